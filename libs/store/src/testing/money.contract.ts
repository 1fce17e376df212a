import { randomUUID } from 'node:crypto';
import type { LedgerEntry, RedPacket, Store } from '../store.port';

/** The money primitives every Store implementation must provide (docs/money.md). */
export function moneyContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store money contract: ${name}`, () => {
    let store: Store;
    let p: string;
    const entry = (accountId: string, n: number, opId: string, delta: number, balance: number): LedgerEntry => ({
      accountId,
      n,
      opId,
      delta,
      balance,
      refused: false,
      at: 1000 + n,
    });

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(() => {
      p = `m${randomUUID().slice(0, 8)}`;
    });

    it('keeps an account as a chain of entries: head is the last, a slot and an (account, op) are taken once', async () => {
      const acc = `${p}a`;
      expect(await store.ledger.head(acc)).toBeUndefined();
      expect(await store.ledger.insertEntry(entry(acc, 1, 'op1', 500, 500))).toBe(true);
      expect(await store.ledger.insertEntry(entry(acc, 2, 'op2', -200, 300))).toBe(true);
      // The same slot again, and the same op in a new slot: both refused, nothing written.
      expect(await store.ledger.insertEntry(entry(acc, 2, 'op3', 1, 301))).toBe(false);
      expect(await store.ledger.insertEntry(entry(acc, 3, 'op1', 500, 800))).toBe(false);
      expect(await store.ledger.head(acc)).toEqual(entry(acc, 2, 'op2', -200, 300));
      expect(await store.ledger.entry(acc, 1)).toEqual(entry(acc, 1, 'op1', 500, 500));
      expect(await store.ledger.entry(acc, 3)).toBeUndefined();
      expect(await store.ledger.entryForOp(acc, 'op2')).toMatchObject({ n: 2 });
      expect(await store.ledger.entryForOp(acc, 'op3')).toBeUndefined();
      // Another account has its own slots and ops.
      expect(await store.ledger.insertEntry(entry(`${p}b`, 1, 'op1', 7, 7))).toBe(true);
      expect((await store.ledger.head(`${p}b`))?.balance).toBe(7);
    });

    it('of concurrent inserts into one slot, exactly one wins', async () => {
      const acc = `${p}race`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.ledger.insertEntry(entry(acc, 1, `op${i}`, i + 1, i + 1))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('records operations once by opId and moves their state hint forward only', async () => {
      const op = {
        opId: `${p}op`,
        kind: 'topup',
        fromAccount: '@bank',
        toAccount: `${p}a`,
        amount: 100,
        state: 'pending' as const,
        createdAt: 5,
        ref: 'r',
      };
      expect(await store.ledger.insertOp(op)).toBe(true);
      expect(await store.ledger.insertOp({ ...op, amount: 1 })).toBe(false);
      expect(await store.ledger.op(op.opId)).toEqual(op);
      expect((await store.ledger.pendingOps(5, 1000)).map((o) => o.opId)).toContain(op.opId);
      expect((await store.ledger.pendingOps(4, 1000)).map((o) => o.opId)).not.toContain(op.opId);
      await store.ledger.finishOp(op.opId, 'completed');
      await store.ledger.finishOp(op.opId, 'refused');
      expect((await store.ledger.op(op.opId))?.state).toBe('completed');
      expect((await store.ledger.pendingOps(5, 1000)).map((o) => o.opId)).not.toContain(op.opId);
      expect(await store.ledger.op(`${p}none`)).toBeUndefined();
    });

    it('keeps red packets and their slots: a slot once, a user once', async () => {
      const packet: RedPacket = {
        packetId: `${p}rp`,
        senderId: `${p}s`,
        targetType: 'group',
        targetId: `${p}g`,
        kind: 'lucky',
        total: 10,
        shares: [3, 7],
        msg: 'hi',
        state: 'funding',
        createdAt: 1,
        expiresAt: 2,
      };
      expect(await store.redPackets.create(packet)).toBe(true);
      expect(await store.redPackets.create({ ...packet, total: 11 })).toBe(false);
      expect(await store.redPackets.get(packet.packetId)).toEqual(packet);
      expect((await store.redPackets.active(10_000)).map((r) => r.packetId)).toContain(packet.packetId);
      await store.redPackets.setState(packet.packetId, 'open');
      expect((await store.redPackets.get(packet.packetId))?.state).toBe('open');
      const claim = { packetId: packet.packetId, slot: 0, userId: `${p}u1`, amount: 3, at: 9 };
      expect(await store.redPackets.claim(claim)).toBe(true);
      expect(await store.redPackets.claim({ ...claim, userId: `${p}u2` })).toBe(false);
      expect(await store.redPackets.claim({ ...claim, slot: 1, amount: 7 })).toBe(false);
      expect(await store.redPackets.claim({ ...claim, slot: 1, userId: `${p}u2`, amount: 7 })).toBe(true);
      expect(await store.redPackets.claims(packet.packetId)).toEqual([
        claim,
        { ...claim, slot: 1, userId: `${p}u2`, amount: 7 },
      ]);
      expect(await store.redPackets.claimOf(packet.packetId, `${p}u2`)).toMatchObject({ slot: 1 });
      expect(await store.redPackets.claimOf(packet.packetId, `${p}u3`)).toBeUndefined();
      await store.redPackets.setState(packet.packetId, 'settled');
      expect((await store.redPackets.active(10_000)).map((r) => r.packetId)).not.toContain(packet.packetId);
    });

    it("lists a group's password packets while funding or open, with their password hash", async () => {
      const base: RedPacket = {
        packetId: `${p}pw1`,
        senderId: `${p}s`,
        targetType: 'group',
        targetId: `${p}pg`,
        kind: 'password',
        total: 4,
        shares: [1, 3],
        msg: '',
        state: 'funding',
        createdAt: 5,
        expiresAt: 9,
        passwordHash: 'h1',
      };
      expect(await store.redPackets.create(base)).toBe(true);
      expect(
        await store.redPackets.create({
          ...base,
          packetId: `${p}pw2`,
          createdAt: 6,
          passwordHash: 'h2',
          state: 'open',
        }),
      ).toBe(true);
      expect(await store.redPackets.create({ ...base, packetId: `${p}pw3`, kind: 'lucky' })).toBe(true);
      expect(await store.redPackets.create({ ...base, packetId: `${p}pw4`, targetId: `${p}other` })).toBe(true);
      expect(await store.redPackets.get(base.packetId)).toEqual(base);
      expect((await store.redPackets.passwordPackets(`${p}pg`)).map((x) => [x.packetId, x.passwordHash])).toEqual([
        [`${p}pw1`, 'h1'],
        [`${p}pw2`, 'h2'],
      ]);
      await store.redPackets.setState(`${p}pw1`, 'settled');
      await store.redPackets.setState(`${p}pw2`, 'failed');
      expect(await store.redPackets.passwordPackets(`${p}pg`)).toEqual([]);
    });

    it('keeps collections and their seats: a slot once, a payer attempt once', async () => {
      const c = {
        collectionId: `${p}c`,
        kind: 'aa' as const,
        collectorId: `${p}col`,
        targetType: 'group' as const,
        targetId: `${p}g`,
        amount: 25,
        count: 2,
        totalAmt: 75,
        msg: 'dinner',
        state: 'posting' as const,
        createdAt: 4,
        expiresAt: 99,
      };
      expect(await store.collections.create(c)).toBe(true);
      expect(await store.collections.create({ ...c, amount: 1 })).toBe(false);
      expect(await store.collections.get(c.collectionId)).toEqual(c);
      expect(await store.collections.get(`${p}none`)).toBeUndefined();
      expect((await store.collections.active(10_000)).map((x) => x.collectionId)).toContain(c.collectionId);
      await store.collections.setState(c.collectionId, 'open');
      expect((await store.collections.active(10_000)).find((x) => x.collectionId === c.collectionId)?.state).toBe(
        'open',
      );
      const seat = { collectionId: c.collectionId, slot: 0, payerId: `${p}u1`, attempt: 0, requestKey: 'k1', at: 5 };
      expect(await store.collections.takeSeat(seat)).toBe(true);
      expect(await store.collections.takeSeat({ ...seat, payerId: `${p}u2` })).toBe(false);
      expect(await store.collections.takeSeat({ ...seat, slot: 1, requestKey: 'k2' })).toBe(false);
      expect(await store.collections.takeSeat({ ...seat, slot: 1, attempt: 1, requestKey: 'k2' })).toBe(true);
      expect(await store.collections.takeSeat({ ...seat, slot: 2, payerId: `${p}u2` })).toBe(true);
      expect(await store.collections.seats(c.collectionId)).toEqual([
        seat,
        { ...seat, slot: 1, attempt: 1, requestKey: 'k2' },
        { ...seat, slot: 2, payerId: `${p}u2` },
      ]);
      expect(await store.collections.seats(`${p}none`)).toEqual([]);
      await store.collections.setState(c.collectionId, 'closed');
      expect((await store.collections.active(10_000)).map((x) => x.collectionId)).not.toContain(c.collectionId);
    });

    it("gives a request's key one id: the first claim's, for every later or concurrent claim", async () => {
      const key = JSON.stringify(['red-packet', `${p}s`, 'req-1']);
      expect(await store.requestIds.claim(key, '286429859020869632', 10)).toBe('286429859020869632');
      expect(await store.requestIds.claim(key, '286429859020869633', 11)).toBe('286429859020869632');
      // Another sender, another kind: other keys.
      expect(await store.requestIds.claim(JSON.stringify(['red-packet', `${p}t`, 'req-1']), 'b', 12)).toBe('b');
      expect(await store.requestIds.claim(JSON.stringify(['transfer', `${p}s`, 'req-1']), 'c', 12)).toBe('c');
      const raced = JSON.stringify(['collection', `${p}s`, 'req-2']);
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.requestIds.claim(raced, `id${i}`, 13)),
      );
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toMatch(/^id[0-7]$/);
    });

    it('keeps transfers: created once, state changes, open ones listed', async () => {
      const t = {
        transferId: `${p}t`,
        fromId: `${p}a`,
        toId: `${p}b`,
        amount: 250,
        msg: 'rent',
        state: 'funding' as const,
        createdAt: 3,
        expiresAt: 9,
      };
      expect(await store.transfers.create(t)).toBe(true);
      expect(await store.transfers.create({ ...t, amount: 1 })).toBe(false);
      expect(await store.transfers.get(t.transferId)).toEqual(t);
      expect((await store.transfers.open(10_000)).map((x) => x.transferId)).toContain(t.transferId);
      await store.transfers.setState(t.transferId, 'pending');
      expect((await store.transfers.open(10_000)).map((x) => x.transferId)).toContain(t.transferId);
      await store.transfers.setState(t.transferId, 'accepted');
      expect((await store.transfers.get(t.transferId))?.state).toBe('accepted');
      expect((await store.transfers.open(10_000)).map((x) => x.transferId)).not.toContain(t.transferId);
      expect(await store.transfers.get(`${p}none`)).toBeUndefined();
    });
  });
}
