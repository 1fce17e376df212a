import { randomUUID } from 'node:crypto';
import type { MultiCall, MultiCallStore } from '../multi-call-store.port';

/** Behaviour every MultiCallStore implementation must show. */
export function multiCallStoreContract(name: string, make: () => Promise<MultiCallStore>): void {
  describe(`MultiCallStore contract: ${name}`, () => {
    let s: MultiCallStore;
    const call = (): MultiCall => ({
      callId: `mc-${randomUUID()}`,
      groupId: `g-${randomUUID().slice(0, 8)}`,
      initiatorId: 'a',
      media: 'video',
      createdAt: 0,
      participants: { a: 'phone' },
      everJoined: ['a'],
      version: 1,
    });
    beforeAll(async () => {
      s = await make();
    });
    afterAll(() => s.close());

    it('holds one call per group', async () => {
      const c = call();
      expect(await s.create(c)).toBe(true);
      expect(await s.create({ ...c, callId: 'other' })).toBe(false);
      expect(await s.ofGroup(c.groupId)).toEqual(c);
      expect(await s.ofGroup('no-such-group')).toBeUndefined();
    });

    it('updates and ends by compare-and-set on the version: of racing writers one wins', async () => {
      const c = call();
      await s.create(c);
      const joinB = { ...c, participants: { ...c.participants, b: 'pc' }, version: 2 };
      const joinC = { ...c, participants: { ...c.participants, c: 'pc' }, version: 2 };
      expect(await Promise.all([s.update(joinB), s.update(joinC)])).toEqual([true, false]);
      expect((await s.ofGroup(c.groupId))?.participants).toEqual({ a: 'phone', b: 'pc' });
      expect(await s.end(c.groupId, 1)).toBe(false);
      expect(await Promise.all([s.end(c.groupId, 2), s.end(c.groupId, 2)])).toEqual([true, false]);
      expect(await s.ofGroup(c.groupId)).toBeUndefined();
      expect(await s.update({ ...joinB, version: 3 })).toBe(false);
      expect(await s.create(call())).toBe(true);
    });
  });
}
