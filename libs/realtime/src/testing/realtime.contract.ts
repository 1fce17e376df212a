import { randomUUID } from 'node:crypto';
import type { Delivery, DeliveryPort } from '../delivery.port';
import type { DeviceSession, OnceStore, Presence } from '../presence.port';

async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const live = (n: number): Delivery => ({
  kind: 'live',
  message: {
    msgId: `m${n}`,
    fromId: 'x',
    destId: 'y',
    fromType: 1,
    fromName: '',
    imageIconUrl: '',
    content: String(n),
    messageType: 33,
  },
});

export interface DeliveryHarness {
  /** Two ports on one backend: two gateways (or a service and a gateway); they serve gateways `gw-a` and `gw-b`. */
  a: DeliveryPort;
  b: DeliveryPort;
  /** Where the ports' locator finds a user from now on (undefined: offline); absent when the ports locate nobody. */
  place?(userId: string, gatewayId: string | undefined): void;
  close(): Promise<void>;
}

/** Behaviour every DeliveryPort implementation must show. */
export function deliveryContract(name: string, makeHarness: () => Promise<DeliveryHarness>): void {
  describe(`DeliveryPort contract: ${name}`, () => {
    let h: DeliveryHarness;
    const gotA: [string, Delivery][] = [];
    const gotB: [string, Delivery][] = [];
    beforeAll(async () => {
      h = await makeHarness();
      h.a.onDelivery((u, d) => gotA.push([u, d]));
      h.b.onDelivery((u, d) => gotB.push([u, d]));
      await h.a.serveGateway('gw-a');
      await h.b.serveGateway('gw-b');
    });
    afterAll(() => h.close());
    beforeEach(() => {
      gotA.length = 0;
      gotB.length = 0;
    });

    it('reaches only the port that listens for the user, in send order', async () => {
      const u1 = `u${randomUUID()}`;
      const u2 = `u${randomUUID()}`;
      await h.a.listen(u1);
      await h.b.listen(u2);
      for (let i = 0; i < 50; i++) await h.b.send([u1], live(i));
      await h.a.send([u2], live(99));
      await waitFor(() => gotA.length === 50 && gotB.length === 1, 10_000, 'deliveries');
      await new Promise((r) => setTimeout(r, 100));
      expect(gotA.map(([u]) => u)).toEqual(Array(50).fill(u1));
      expect(gotA.map(([, d]) => (d.kind === 'live' ? d.message.content : null))).toEqual(
        Array.from({ length: 50 }, (_, i) => String(i)),
      );
      expect(gotB).toEqual([[u2, live(99)]]);
      await h.a.unlisten(u1);
      await h.b.unlisten(u2);
    });

    it('sends one delivery to several users at once', async () => {
      const users = [`u${randomUUID()}`, `u${randomUUID()}`];
      await h.a.listen(users[0] ?? '');
      await h.b.listen(users[1] ?? '');
      await h.a.send(users, { kind: 'disconnect', reason: 'test' });
      await waitFor(() => gotA.length === 1 && gotB.length === 1, 10_000, 'both');
      await h.a.unlisten(users[0] ?? '');
      await h.b.unlisten(users[1] ?? '');
    });

    it('sendMany: each listened user gets each delivery once, in call order with send, by gateway or by user', async () => {
      const [u1, u2, u3, u4] = [1, 2, 3, 4].map(() => `u${randomUUID()}`) as [string, string, string, string];
      await h.a.listen(u1);
      await h.a.listen(u2);
      await h.b.listen(u3);
      h.place?.(u1, 'gw-a'); // by gateway
      h.place?.(u3, 'gw-b');
      h.place?.(u4, 'gw-a'); // placed, but nobody listens: nothing
      const contents = (got: [string, Delivery][], u: string): string[] =>
        got.filter(([x]) => x === u).map(([, d]) => (d.kind === 'live' ? String(d.message.content) : '?'));
      const expected: Record<string, string[]> = { [u1]: [], [u2]: [], [u3]: [] };
      for (let i = 0; i < 10; i++) {
        await h.b.sendMany([
          { userIds: [u1, u2, u3, u4, u1], delivery: live(2 * i) },
          { userIds: [u3], delivery: live(100 + i) },
        ]);
        await h.a.send([u1, u2, u3], live(2 * i + 1));
        expected[u1]?.push(String(2 * i), String(2 * i + 1));
        expected[u2]?.push(String(2 * i), String(2 * i + 1));
        expected[u3]?.push(String(2 * i), String(100 + i), String(2 * i + 1));
      }
      await waitFor(() => gotA.length === 40 && gotB.length === 30, 10_000, 'deliveries');
      await new Promise((r) => setTimeout(r, 100));
      expect(contents(gotA, u1)).toEqual(expected[u1]);
      expect(contents(gotA, u2)).toEqual(expected[u2]);
      expect(contents(gotB, u3)).toEqual(expected[u3]);
      expect([...gotA, ...gotB].filter(([u]) => u === u4)).toEqual([]);
      for (const [port, u] of [
        [h.a, u1],
        [h.a, u2],
        [h.b, u3],
      ] as const)
        await port.unlisten(u);
    });

    it('sendMany to a user placed on a gateway after its last unlisten there reaches nobody', async () => {
      const u = `u${randomUUID()}`;
      await h.a.listen(u);
      await h.a.unlisten(u);
      h.place?.(u, 'gw-a');
      await h.b.sendMany([{ userIds: [u], delivery: live(1) }]);
      await new Promise((r) => setTimeout(r, 200));
      expect(gotA).toEqual([]);
    });

    it('stops after the last unlisten, not before', async () => {
      const u = `u${randomUUID()}`;
      await h.a.listen(u);
      await h.a.listen(u);
      await h.a.unlisten(u);
      await h.b.send([u], live(1));
      await waitFor(() => gotA.length === 1, 10_000, 'delivery while one listen remains');
      await h.a.unlisten(u);
      await new Promise((r) => setTimeout(r, 50));
      await h.b.send([u], live(2));
      await new Promise((r) => setTimeout(r, 200));
      expect(gotA).toHaveLength(1);
    });
  });
}

/** Behaviour every Presence implementation must show. */
export function presenceContract(name: string, makePresence: () => Promise<Presence>): void {
  describe(`Presence contract: ${name}`, () => {
    let presence: Presence;
    beforeAll(async () => {
      presence = await makePresence();
    });
    afterAll(() => presence.close());
    const session = (userId: string, socketId: string, deviceId = 'd1'): DeviceSession => ({
      userId,
      socketId,
      deviceId,
      gatewayId: 'gw1',
      devType: 1,
      connectedAt: 1,
    });

    it('tells the first and the last session of a user', async () => {
      const u = `u${randomUUID()}`;
      expect(await presence.add(session(u, 's1'))).toEqual({ firstForUser: true });
      expect(await presence.add(session(u, 's2', 'd2'))).toEqual({ firstForUser: false });
      expect((await presence.sessionsOf(u)).map((s) => s.socketId).sort()).toEqual(['s1', 's2']);
      expect(await presence.remove({ userId: u, socketId: 's1' })).toEqual({ lastForUser: false });
      expect(await presence.remove({ userId: u, socketId: 's2' })).toEqual({ lastForUser: true });
      expect(await presence.remove({ userId: u, socketId: 's2' })).toEqual({ lastForUser: false });
      expect(await presence.sessionsOf(u)).toEqual([]);
    });

    it('finds who is online among many users', async () => {
      const [u1, u2] = [`u${randomUUID()}`, `u${randomUUID()}`];
      await presence.add(session(u1, 's1'));
      expect(await presence.onlineAmong([u1, u2])).toEqual(new Set([u1]));
      await presence.remove({ userId: u1, socketId: 's1' });
      expect(await presence.onlineAmong([u1, u2])).toEqual(new Set());
    });

    it('lists every user online', async () => {
      const [u1, u2] = [`u${randomUUID()}`, `u${randomUUID()}`];
      await presence.add(session(u1, 's1'));
      await presence.add(session(u2, 's2'));
      expect(await presence.onlineUsers()).toEqual(expect.arrayContaining([u1, u2]));
      await presence.remove({ userId: u1, socketId: 's1' });
      const online = await presence.onlineUsers();
      expect(online).toContain(u2);
      expect(online).not.toContain(u1);
      await presence.remove({ userId: u2, socketId: 's2' });
    });
  });
}

/** Behaviour every OnceStore implementation must show. */
export function onceStoreContract(name: string, makeStore: () => Promise<OnceStore>): void {
  describe(`OnceStore contract: ${name}`, () => {
    let s: OnceStore;
    beforeAll(async () => {
      s = await makeStore();
    });
    afterAll(() => s.close());

    it('keeps the first value and returns it to later writers', async () => {
      const k = `k${randomUUID()}`;
      expect(await s.putIfAbsent(k, 'first', 60_000)).toBeUndefined();
      expect(await s.putIfAbsent(k, 'second', 60_000)).toBe('first');
    });

    it('lets exactly one of many concurrent writers win', async () => {
      const k = `k${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.putIfAbsent(k, `v${i}`, 60_000)));
      expect(results.filter((r) => r === undefined)).toHaveLength(1);
    });

    it('take returns the value once and frees the key for a new writer', async () => {
      const k = `k${randomUUID()}`;
      expect(await s.take(k)).toBeUndefined();
      await s.putIfAbsent(k, 'v', 60_000);
      const takers = await Promise.all(Array.from({ length: 10 }, () => s.take(k)));
      expect(takers.filter((r) => r === 'v')).toHaveLength(1);
      expect(takers.filter((r) => r === undefined)).toHaveLength(9);
      expect(await s.putIfAbsent(k, 'w', 60_000)).toBeUndefined();
    });

    it('set replaces a value, get reads it, and both honour the TTL', async () => {
      const k = `k${randomUUID()}`;
      expect(await s.get(k)).toBeUndefined();
      await s.set(k, 'a', 60_000);
      await s.set(k, 'b', 60_000);
      expect(await s.get(k)).toBe('b');
      expect(await s.putIfAbsent(k, 'c', 60_000)).toBe('b');
      await s.set(k, 'short', 20);
      await new Promise((r) => setTimeout(r, 60));
      expect(await s.get(k)).toBeUndefined();
    });

    it('take ignores an expired entry', async () => {
      const k = `k${randomUUID()}`;
      await s.putIfAbsent(k, 'v', 20);
      await new Promise((r) => setTimeout(r, 60));
      expect(await s.take(k)).toBeUndefined();
    });
  });
}
