import type { LedgerEntry, RedPacket, Store } from '../store.port';
import { storeFixture } from './store-fixture';

/** The money primitives every Store implementation must provide (docs/money.md). */
export function moneyContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store money contract: ${name}`, () => {
    const fx = storeFixture(makeStore, 'm');
    const entry = (accountId: string, n: number, opId: string, delta: number, balance: number): LedgerEntry => ({
      accountId,
      n,
      opId,
      delta,
      balance,
      refused: false,
      at: 1000 + n,
    });

    it('keeps an account as a chain of entries: head is the last, a slot and an (account, op) are taken once', async () => {
      const acc = `${fx.p}a`;
      expect(await fx.store.ledger.head(acc)).toBeUndefined();
      expect(await fx.store.ledger.insertEntry(entry(acc, 1, 'op1', 500, 500))).toBe(true);
      expect(await fx.store.ledger.insertEntry(entry(acc, 2, 'op2', -200, 300))).toBe(true);
      // The same slot again, and the same op in a new slot: both refused, nothing written.
      expect(await fx.store.ledger.insertEntry(entry(acc, 2, 'op3', 1, 301))).toBe(false);
      expect(await fx.store.ledger.insertEntry(entry(acc, 3, 'op1', 500, 800))).toBe(false);
      expect(await fx.store.ledger.head(acc)).toEqual(entry(acc, 2, 'op2', -200, 300));
      expect(await fx.store.ledger.entry(acc, 1)).toEqual(entry(acc, 1, 'op1', 500, 500));
      expect(await fx.store.ledger.entry(acc, 3)).toBeUndefined();
      expect(await fx.store.ledger.entryForOp(acc, 'op2')).toMatchObject({ n: 2 });
      expect(await fx.store.ledger.entryForOp(acc, 'op3')).toBeUndefined();
      // Another account has its own slots and ops.
      expect(await fx.store.ledger.insertEntry(entry(`${fx.p}b`, 1, 'op1', 7, 7))).toBe(true);
      expect((await fx.store.ledger.head(`${fx.p}b`))?.balance).toBe(7);
    });

    it('of concurrent inserts into one slot, exactly one wins', async () => {
      const acc = `${fx.p}race`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fx.store.ledger.insertEntry(entry(acc, 1, `op${i}`, i + 1, i + 1))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('records operations once by opId and moves their state hint forward only', async () => {
      const op = {
        opId: `${fx.p}op`,
        kind: 'topup',
        fromAccount: '@bank',
        toAccount: `${fx.p}a`,
        amount: 100,
        state: 'pending' as const,
        createdAt: 5,
        ref: 'r',
      };
      expect(await fx.store.ledger.insertOp(op)).toBe(true);
      expect(await fx.store.ledger.insertOp({ ...op, amount: 1 })).toBe(false);
      expect(await fx.store.ledger.op(op.opId)).toEqual(op);
      expect((await fx.store.ledger.pendingOps(5, 1000)).map((o) => o.opId)).toContain(op.opId);
      expect((await fx.store.ledger.pendingOps(4, 1000)).map((o) => o.opId)).not.toContain(op.opId);
      await fx.store.ledger.finishOp(op.opId, 'completed');
      await fx.store.ledger.finishOp(op.opId, 'refused');
      expect((await fx.store.ledger.op(op.opId))?.state).toBe('completed');
      expect((await fx.store.ledger.pendingOps(5, 1000)).map((o) => o.opId)).not.toContain(op.opId);
      expect(await fx.store.ledger.op(`${fx.p}none`)).toBeUndefined();
    });

    it('keeps red packets and their slots: a slot once, a user once', async () => {
      const packet: RedPacket = {
        packetId: `${fx.p}rp`,
        senderId: `${fx.p}s`,
        targetType: 'group',
        targetId: `${fx.p}g`,
        kind: 'lucky',
        total: 10,
        shares: [3, 7],
        msg: 'hi',
        state: 'funding',
        createdAt: 1,
        expiresAt: 2,
      };
      expect(await fx.store.redPackets.create(packet)).toBe(true);
      expect(await fx.store.redPackets.create({ ...packet, total: 11 })).toBe(false);
      expect(await fx.store.redPackets.get(packet.packetId)).toEqual(packet);
      expect((await fx.store.redPackets.active(10_000)).map((r) => r.packetId)).toContain(packet.packetId);
      await fx.store.redPackets.setState(packet.packetId, 'open');
      expect((await fx.store.redPackets.get(packet.packetId))?.state).toBe('open');
      const claim = { packetId: packet.packetId, slot: 0, userId: `${fx.p}u1`, amount: 3, at: 9 };
      expect(await fx.store.redPackets.claim(claim)).toBe(true);
      expect(await fx.store.redPackets.claim({ ...claim, userId: `${fx.p}u2` })).toBe(false);
      expect(await fx.store.redPackets.claim({ ...claim, slot: 1, amount: 7 })).toBe(false);
      expect(await fx.store.redPackets.claim({ ...claim, slot: 1, userId: `${fx.p}u2`, amount: 7 })).toBe(true);
      expect(await fx.store.redPackets.claims(packet.packetId)).toEqual([
        claim,
        { ...claim, slot: 1, userId: `${fx.p}u2`, amount: 7 },
      ]);
      expect(await fx.store.redPackets.claimOf(packet.packetId, `${fx.p}u2`)).toMatchObject({ slot: 1 });
      expect(await fx.store.redPackets.claimOf(packet.packetId, `${fx.p}u3`)).toBeUndefined();
      await fx.store.redPackets.setState(packet.packetId, 'settled');
      expect((await fx.store.redPackets.active(10_000)).map((r) => r.packetId)).not.toContain(packet.packetId);
    });

    it("lists a group's password packets while funding or open, with their password hash", async () => {
      const base: RedPacket = {
        packetId: `${fx.p}pw1`,
        senderId: `${fx.p}s`,
        targetType: 'group',
        targetId: `${fx.p}pg`,
        kind: 'password',
        total: 4,
        shares: [1, 3],
        msg: '',
        state: 'funding',
        createdAt: 5,
        expiresAt: 9,
        passwordHash: 'h1',
      };
      expect(await fx.store.redPackets.create(base)).toBe(true);
      expect(
        await fx.store.redPackets.create({
          ...base,
          packetId: `${fx.p}pw2`,
          createdAt: 6,
          passwordHash: 'h2',
          state: 'open',
        }),
      ).toBe(true);
      expect(await fx.store.redPackets.create({ ...base, packetId: `${fx.p}pw3`, kind: 'lucky' })).toBe(true);
      expect(await fx.store.redPackets.create({ ...base, packetId: `${fx.p}pw4`, targetId: `${fx.p}other` })).toBe(
        true,
      );
      expect(await fx.store.redPackets.get(base.packetId)).toEqual(base);
      expect((await fx.store.redPackets.passwordPackets(`${fx.p}pg`)).map((x) => [x.packetId, x.passwordHash])).toEqual(
        [
          [`${fx.p}pw1`, 'h1'],
          [`${fx.p}pw2`, 'h2'],
        ],
      );
      await fx.store.redPackets.setState(`${fx.p}pw1`, 'settled');
      await fx.store.redPackets.setState(`${fx.p}pw2`, 'failed');
      expect(await fx.store.redPackets.passwordPackets(`${fx.p}pg`)).toEqual([]);
    });

    it('keeps collections and their seats: a slot once, a payer attempt once', async () => {
      const c = {
        collectionId: `${fx.p}c`,
        kind: 'aa' as const,
        collectorId: `${fx.p}col`,
        targetType: 'group' as const,
        targetId: `${fx.p}g`,
        amount: 25,
        count: 2,
        totalAmt: 75,
        msg: 'dinner',
        state: 'posting' as const,
        createdAt: 4,
        expiresAt: 99,
      };
      expect(await fx.store.collections.create(c)).toBe(true);
      expect(await fx.store.collections.create({ ...c, amount: 1 })).toBe(false);
      expect(await fx.store.collections.get(c.collectionId)).toEqual(c);
      expect(await fx.store.collections.get(`${fx.p}none`)).toBeUndefined();
      expect((await fx.store.collections.active(10_000)).map((x) => x.collectionId)).toContain(c.collectionId);
      await fx.store.collections.setState(c.collectionId, 'open');
      expect((await fx.store.collections.active(10_000)).find((x) => x.collectionId === c.collectionId)?.state).toBe(
        'open',
      );
      const seat = { collectionId: c.collectionId, slot: 0, payerId: `${fx.p}u1`, attempt: 0, requestKey: 'k1', at: 5 };
      expect(await fx.store.collections.takeSeat(seat)).toBe(true);
      expect(await fx.store.collections.takeSeat({ ...seat, payerId: `${fx.p}u2` })).toBe(false);
      expect(await fx.store.collections.takeSeat({ ...seat, slot: 1, requestKey: 'k2' })).toBe(false);
      expect(await fx.store.collections.takeSeat({ ...seat, slot: 1, attempt: 1, requestKey: 'k2' })).toBe(true);
      expect(await fx.store.collections.takeSeat({ ...seat, slot: 2, payerId: `${fx.p}u2` })).toBe(true);
      expect(await fx.store.collections.seats(c.collectionId)).toEqual([
        seat,
        { ...seat, slot: 1, attempt: 1, requestKey: 'k2' },
        { ...seat, slot: 2, payerId: `${fx.p}u2` },
      ]);
      expect(await fx.store.collections.seats(`${fx.p}none`)).toEqual([]);
      await fx.store.collections.setState(c.collectionId, 'closed');
      expect((await fx.store.collections.active(10_000)).map((x) => x.collectionId)).not.toContain(c.collectionId);
    });

    it("gives a request's key one id: the first claim's, for every later or concurrent claim", async () => {
      const key = JSON.stringify(['red-packet', `${fx.p}s`, 'req-1']);
      expect(await fx.store.requestIds.claim(key, '286429859020869632', 10)).toBe('286429859020869632');
      expect(await fx.store.requestIds.claim(key, '286429859020869633', 11)).toBe('286429859020869632');
      // Another sender, another kind: other keys.
      expect(await fx.store.requestIds.claim(JSON.stringify(['red-packet', `${fx.p}t`, 'req-1']), 'b', 12)).toBe('b');
      expect(await fx.store.requestIds.claim(JSON.stringify(['transfer', `${fx.p}s`, 'req-1']), 'c', 12)).toBe('c');
      const raced = JSON.stringify(['collection', `${fx.p}s`, 'req-2']);
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => fx.store.requestIds.claim(raced, `id${i}`, 13)),
      );
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toMatch(/^id[0-7]$/);
    });

    it('keeps transfers: created once, state changes, open ones listed', async () => {
      const t = {
        transferId: `${fx.p}t`,
        fromId: `${fx.p}a`,
        toId: `${fx.p}b`,
        amount: 250,
        msg: 'rent',
        state: 'funding' as const,
        createdAt: 3,
        expiresAt: 9,
      };
      expect(await fx.store.transfers.create(t)).toBe(true);
      expect(await fx.store.transfers.create({ ...t, amount: 1 })).toBe(false);
      expect(await fx.store.transfers.get(t.transferId)).toEqual(t);
      expect((await fx.store.transfers.open(10_000)).map((x) => x.transferId)).toContain(t.transferId);
      await fx.store.transfers.setState(t.transferId, 'pending');
      expect((await fx.store.transfers.open(10_000)).map((x) => x.transferId)).toContain(t.transferId);
      await fx.store.transfers.setState(t.transferId, 'accepted');
      expect((await fx.store.transfers.get(t.transferId))?.state).toBe('accepted');
      expect((await fx.store.transfers.open(10_000)).map((x) => x.transferId)).not.toContain(t.transferId);
      expect(await fx.store.transfers.get(`${fx.p}none`)).toBeUndefined();
    });
  });
}
