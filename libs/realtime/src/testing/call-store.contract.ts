import { randomUUID } from 'node:crypto';
import type { Call, CallStore } from '../call-store.port';

function ringing(callerId: string, calleeId: string, ringDeadline = 1000): Call {
  return {
    callId: `c-${randomUUID()}`,
    callerId,
    callerDeviceId: 'd1',
    callerName: callerId,
    callerIcon: '',
    calleeId,
    kind: 'audio',
    media: 'audio',
    legacy: false,
    phase: 'ringing',
    createdAt: 0,
    ringDeadline,
    version: 1,
  };
}

/** Behaviour every CallStore implementation must show. */
export function callStoreContract(name: string, make: () => Promise<CallStore>): void {
  describe(`CallStore contract: ${name}`, () => {
    let s: CallStore;
    const user = (n: string): string => `${n}-${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      s = await make();
    });
    afterAll(() => s.close());

    it('creates a call both parties then are in, and refuses a second call of either party', async () => {
      const [a, b, c] = [user('a'), user('b'), user('c')];
      const call = ringing(a, b);
      expect(await s.create(call)).toEqual({ ok: true });
      expect(await s.get(call.callId)).toEqual(call);
      expect((await s.ofUser(a))?.callId).toBe(call.callId);
      expect((await s.ofUser(b))?.callId).toBe(call.callId);
      expect(await s.ofUser(c)).toBeUndefined();
      expect(await s.create(ringing(c, b))).toEqual({ ok: false, busy: b });
      expect(await s.create(ringing(a, c))).toEqual({ ok: false, busy: a });
      expect(await s.ofUser(c)).toBeUndefined();
    });

    it('updates by compare-and-set on the version: of two racing answers one wins', async () => {
      const call = ringing(user('a'), user('b'));
      await s.create(call);
      const first: Call = { ...call, phase: 'active', calleeDeviceId: 'phone', version: 2 };
      const second: Call = { ...call, phase: 'active', calleeDeviceId: 'pc', version: 2 };
      expect(await Promise.all([s.update(first), s.update(second)])).toEqual([true, false]);
      expect((await s.get(call.callId))?.calleeDeviceId).toBe('phone');
      expect(await s.update({ ...call, version: 7 })).toBe(false);
    });

    it('ends a call once: it disappears and both parties are free again', async () => {
      const [a, b] = [user('a'), user('b')];
      const call = ringing(a, b);
      await s.create(call);
      expect(await s.end(call.callId, 2)).toBe(false);
      expect(await Promise.all([s.end(call.callId, 1), s.end(call.callId, 1)])).toEqual([true, false]);
      expect(await s.get(call.callId)).toBeUndefined();
      expect(await s.ofUser(a)).toBeUndefined();
      expect(await s.update({ ...call, version: 2 })).toBe(false);
      expect(await s.create(ringing(b, a))).toEqual({ ok: true });
    });

    it('lists calls due: ringing ones past their deadline, active ones only when a party dropped', async () => {
      const ring = ringing(user('a'), user('b'), 5_000);
      const active = ringing(user('a'), user('b'), 1_000);
      await s.create(ring);
      await s.create(active);
      await s.update({ ...active, phase: 'active', version: 2 });
      let due = await s.due(10_000);
      expect(due).toContain(ring.callId);
      expect(due).not.toContain(active.callId);
      expect(await s.due(4_999)).not.toContain(ring.callId);
      await s.update({ ...active, phase: 'active', dropped: { userId: active.calleeId, deadline: 8_000 }, version: 3 });
      due = await s.due(10_000);
      expect(due).toContain(active.callId);
      await s.end(ring.callId, 1);
      expect(await s.due(10_000)).not.toContain(ring.callId);
      await s.end(active.callId, 3);
    });
  });
}
