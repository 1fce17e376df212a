// Wallet, ledger and red packets on both real stores: SQLite (embedded) and FerretDB v1 (cluster;
// no multi-document transactions, and its updates are not atomic — only unique inserts are).
//   eval "$(bash test/infra/infra.sh env all)" && IM_TEST_NO_INFRA=1 npx jest test/cluster/money.test.ts
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ManualClock, createLogger } from '@im/common';
import type { Delivery, DeliveryBatchItem, DeliveryPort } from '@im/realtime';
import { MongoStore, SqliteStore } from '@im/store';
import type { LedgerRepository, Store } from '@im/store';
import { moneyContract } from '@im/store/testing';
import { BANK_ACCOUNT, WalletService, luckySplit, redPacketAccount, transferAccount } from '@im/wallet-service';

const MONGO_URL = process.env.IM_TEST_MONGO_URL;
if (!MONGO_URL)
  throw new Error('IM_TEST_MONGO_URL is not set: start the servers with: bash test/infra/infra.sh up all');
const RUN = randomUUID().slice(0, 8);
const DBS = [`im_money_contract_${RUN}`, `im_money_${RUN}`];
const urlFor = (db: string): string => (MONGO_URL as string).replace(/\/[^/?]*(\?|$)/, `/${db}$1`);
const dir = mkdtempSync(join(tmpdir(), 'im-money-'));
const silent = createLogger({ service: 'test', level: 'silent' });

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const admin = mongoose.createConnection(urlFor(DBS[0] as string));
  await admin.asPromise();
  for (const db of DBS) await admin.useDb(db).dropDatabase();
  await admin.close();
});

moneyContract('MongoStore', () => MongoStore.connect(urlFor(DBS[0] as string), { logger: silent }));

/** Records what the service hands to delivery. */
class RecordingDelivery implements DeliveryPort {
  readonly sent: { userIds: readonly string[]; delivery: Delivery }[] = [];
  async send(userIds: readonly string[], delivery: Delivery): Promise<void> {
    this.sent.push({ userIds, delivery });
  }
  async sendMany(items: readonly DeliveryBatchItem[]): Promise<void> {
    for (const item of items) await this.send(item.userIds, item.delivery);
  }
  async serveGateway(): Promise<void> {}
  async listen(): Promise<void> {}
  async unlisten(): Promise<void> {}
  onDelivery(): void {}
  async close(): Promise<void> {}
  types(userId: string): number[] {
    return this.sent
      .filter((s) => s.userIds.includes(userId) && s.delivery.kind === 'stored')
      .map((s) => (s.delivery as { message: { message: { messageType: number } } }).message.message.messageType);
  }
  /** The types of the distinct stored messages delivered to the user: a repeated step delivers the stored copy again (one redelivery rule), counted once here. */
  stored(userId: string): number[] {
    const seen = new Map<string, number>();
    for (const s of this.sent) {
      if (!s.userIds.includes(userId) || s.delivery.kind !== 'stored') continue;
      const m = s.delivery.message;
      seen.set(`${m.conversationId}#${m.seq}`, m.message.messageType);
    }
    return [...seen.values()];
  }
}

/** A store whose ledger "crashes" (throws) on chosen calls of insertEntry, to leave operations half done. */
function crashingLedger(inner: LedgerRepository, crashOn: (call: number) => boolean): LedgerRepository {
  let calls = 0;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'insertEntry') {
        return async (...args: Parameters<LedgerRepository['insertEntry']>) => {
          calls += 1;
          const result = await target.insertEntry(...args);
          if (result && crashOn(calls)) throw new Error('simulated crash after a write');
          return result;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const OPTIONS = {
  maxAmount: 1_000_000,
  maxShares: 100,
  expiryMs: 86_400_000,
  transferMaxAmount: 1_000_000,
  transferExpiryMs: 86_400_000,
  collectionExpiryMs: 604_800_000,
  recoveryAgeMs: 0,
};

function suite(name: string, makeStore: () => Promise<Store>): void {
  describe(`money on ${name}`, () => {
    let store: Store;
    let clock: ManualClock;
    let delivery: RecordingDelivery;
    let service: WalletService;
    let p: string;

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(() => store.close());
    beforeEach(() => {
      p = `w${randomUUID().slice(0, 8)}`;
      clock = new ManualClock();
      delivery = new RecordingDelivery();
      service = new WalletService(store, delivery, OPTIONS, silent, clock);
    });

    const topup = (userId: string, amount: number, key: string = randomUUID()) =>
      service.handle({ kind: 'topup', userId, amount, key, at: clock.now() });
    const balance = (account: string) => service.ledger.balance(account);

    async function group(owner: string, members: string[]): Promise<string> {
      const groupId = `${p}g`;
      await store.groups.create({ groupId, name: 'g', ownerId: owner, createdAt: 1 }, [
        { userId: owner, role: 'owner' },
        ...members.map((userId) => ({ userId, role: 'member' as const })),
      ]);
      return groupId;
    }

    it('the same top-up ten times in parallel moves the money once; the same key with another amount is refused', async () => {
      const key = `${p}k`;
      const replies = await Promise.all(Array.from({ length: 10 }, () => topup(`${p}a`, 500, key)));
      expect(replies.every((r) => r.ok)).toBe(true);
      expect(new Set(replies.map((r) => (r.ok ? JSON.stringify(r.value) : '')))).toEqual(
        new Set([JSON.stringify({ opId: `admin:${key}`, balance: 500 })]),
      );
      expect(await balance(`${p}a`)).toBe(500);
      expect(await topup(`${p}a`, 501, key)).toMatchObject({ ok: false, error: 'IM_ERR_CONFLICT' });
      expect(await service.handle({ kind: 'withdraw', userId: `${p}a`, amount: 500, key, at: 0 })).toMatchObject({
        ok: false,
        error: 'IM_ERR_CONFLICT',
      });
      expect(await balance(`${p}a`)).toBe(500);
    });

    it('a withdrawal beyond the balance is refused for good; one within it is made once', async () => {
      await topup(`${p}a`, 300);
      expect(
        await service.handle({ kind: 'withdraw', userId: `${p}a`, amount: 301, key: `${p}w1`, at: 0 }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_INSUFFICIENT_FUNDS' });
      await topup(`${p}a`, 100);
      // The first answer stands, even though the balance would now cover it.
      expect(
        await service.handle({ kind: 'withdraw', userId: `${p}a`, amount: 301, key: `${p}w1`, at: 0 }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_INSUFFICIENT_FUNDS' });
      const w = await Promise.all(
        Array.from({ length: 10 }, () =>
          service.handle({ kind: 'withdraw', userId: `${p}a`, amount: 250, key: `${p}w2`, at: 0 }),
        ),
      );
      expect(w.every((r) => r.ok)).toBe(true);
      expect(await balance(`${p}a`)).toBe(150);
      expect(await service.handle({ kind: 'topup', userId: `${p}a`, amount: 0, key: `${p}z`, at: 0 })).toMatchObject({
        ok: false,
        error: 'IM_ERR_BAD_REQUEST',
      });
      expect(await service.handle({ kind: 'topup', userId: `${p}a`, amount: 1.5, key: `${p}z`, at: 0 })).toMatchObject({
        ok: false,
        error: 'IM_ERR_BAD_REQUEST',
      });
    });

    it('concurrent transfers conserve money and never overdraw (a reader checks during the load)', async () => {
      const users = Array.from({ length: 6 }, (_, i) => `${p}u${i}`);
      for (const u of users) await topup(u, 1000);
      let reading = true;
      const violations: string[] = [];
      const reader = (async () => {
        while (reading) {
          const balances = await Promise.all(users.map(balance));
          if (balances.some((b) => b < 0)) violations.push(`negative: ${balances.join(',')}`);
          const sum = balances.reduce((a, b) => a + b, 0);
          // In-flight transfers hold money between their two legs: the sum may dip, never rise.
          if (sum > 6000) violations.push(`created money: ${sum}`);
          await new Promise((r) => setImmediate(r));
        }
      })();
      // Two ledgers on two store connections (two replicas) race for the same accounts.
      const other = await makeStore();
      const replica = new WalletService(other, delivery, OPTIONS, silent, clock);
      const transfers = Array.from({ length: 120 }, (_, i) => {
        const from = users[i % 6] as string;
        const to = users[(i * 7 + 1) % 6] as string;
        return (i % 2 === 0 ? service : replica).ledger.submit({
          opId: `${p}t${i}`,
          kind: 'transfer',
          fromAccount: from,
          toAccount: to === from ? (users[(i + 1) % 6] as string) : to,
          amount: 1 + ((i * 37) % 400),
        });
      });
      const outcomes = await Promise.all(transfers);
      reading = false;
      await reader;
      await other.close();
      expect(violations).toEqual([]);
      expect(outcomes.some((o) => o.state === 'completed')).toBe(true);
      const balances = await Promise.all(users.map(balance));
      expect(balances.reduce((a, b) => a + b, 0)).toBe(6000);
      expect(balances.every((b) => b >= 0)).toBe(true);
      // Every account's chain is consistent: each entry is the previous balance plus its delta.
      for (const u of users) {
        const head = await store.ledger.head(u);
        let prev = 0;
        for (let n = 1; n <= (head?.n ?? 0); n++) {
          const e = await store.ledger.entry(u, n);
          expect(e?.balance).toBe(prev + (e?.delta ?? NaN));
          prev = e?.balance ?? NaN;
        }
      }
    }, 300_000);

    it('a crash between the two legs is completed by the sweep, exactly once', async () => {
      await topup(`${p}a`, 1000);
      const crashing = new WalletService(
        { ...store, ledger: crashingLedger(store.ledger, (call) => call === 1), redPackets: store.redPackets } as Store,
        delivery,
        OPTIONS,
        silent,
        clock,
      );
      await expect(
        crashing.ledger.submit({
          opId: `${p}x`,
          kind: 'transfer',
          fromAccount: `${p}a`,
          toAccount: `${p}b`,
          amount: 400,
        }),
      ).rejects.toThrow('simulated crash');
      expect([await balance(`${p}a`), await balance(`${p}b`)]).toEqual([600, 0]);
      expect((await store.ledger.op(`${p}x`))?.state).toBe('pending');
      await Promise.all([service.sweep(), service.sweep()]);
      expect([await balance(`${p}a`), await balance(`${p}b`)]).toEqual([600, 400]);
      expect((await store.ledger.op(`${p}x`))?.state).toBe('completed');
      await service.sweep();
      expect(await balance(`${p}b`)).toBe(400);
    });

    it('a lucky split has every share at least 1 fen and sums to the total', () => {
      for (const [total, count] of [
        [100, 100],
        [101, 100],
        [10_000, 7],
        [5, 1],
        [200, 150],
      ] as const) {
        const shares = luckySplit(total, count);
        expect(shares).toHaveLength(count);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.min(...shares)).toBeGreaterThanOrEqual(1);
      }
    });

    it('1,000 concurrent opens from 200 users of a 100-share packet: exactly 100 succeed, no user twice, shares sum to the amount', async () => {
      const users = Array.from({ length: 200 }, (_, i) => `${p}m${i}`);
      const groupId = await group(`${p}s`, users);
      await topup(`${p}s`, 10_000);
      const sent = await service.handle({
        kind: 'red-packet-send',
        packetId: `${p}rp`,
        senderId: `${p}s`,
        targetType: 'group',
        targetId: groupId,
        packetKind: 'lucky',
        total: 5_000,
        count: 100,
        msg: '恭喜发财',
        at: clock.now(),
      });
      expect(sent).toEqual({ ok: true, value: { packetId: `${p}rp`, state: 'open' } });
      expect(await balance(`${p}s`)).toBe(5_000);
      // Two service instances (as two replicas would be), each on its own store connection, race for the slots.
      const other = await makeStore();
      const replica = new WalletService(other, delivery, OPTIONS, silent, clock);
      const opens = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          (i % 2 === 0 ? service : replica).handle({
            kind: 'red-packet-open',
            packetId: `${p}rp`,
            userId: users[(i * 13) % 200] as string,
            at: clock.now(),
          }),
        ),
      );
      await other.close();
      const firsts = opens.flatMap((o) =>
        o.ok && 'alreadyOpened' in o.value && !o.value.alreadyOpened ? [o.value] : [],
      );
      expect(firsts).toHaveLength(100);
      const claims = await store.redPackets.claims(`${p}rp`);
      expect(claims).toHaveLength(100);
      expect(new Set(claims.map((c) => c.userId)).size).toBe(100);
      expect(claims.reduce((a, c) => a + c.amount, 0)).toBe(5_000);
      const refusals = opens.filter((o) => !o.ok);
      expect(refusals.every((o) => !o.ok && o.error === 'IM_ERR_RED_PACKET_EMPTY')).toBe(true);
      // The money: each winner got their share, the packet's account is empty, nothing was made or lost.
      const winners = claims.map((c) => c.userId);
      const received = await Promise.all(users.map(balance));
      expect(received.reduce((a, b) => a + b, 0)).toBe(5_000);
      for (const c of claims) expect(await balance(c.userId)).toBe(c.amount);
      expect(await balance(redPacketAccount(`${p}rp`))).toBe(0);
      expect(await balance(BANK_ACCOUNT)).toBeLessThanOrEqual(-10_000);
      // 17 posted once to the group; 19 to the sender per open; 24 once.
      expect(delivery.types(`${p}s`).filter((t) => t === 19)).toHaveLength(100);
      expect(delivery.types(`${p}s`).filter((t) => t === 24)).toHaveLength(1);
      expect((await store.messages.range(`g:${groupId}`, { limit: 10 })).map((m) => m.message.content)).toEqual([
        { redPacketId: `${p}rp`, msg: '恭喜发财' },
      ]);
      expect(winners).toHaveLength(100);
      await service.sweep();
      expect((await store.redPackets.get(`${p}rp`))?.state).toBe('settled');
    }, 300_000);

    it('expiry returns the remainder to the sender with 22 (controllable clock)', async () => {
      const users = [`${p}a`, `${p}b`, `${p}c`, `${p}d`];
      const groupId = await group(`${p}s`, users);
      await topup(`${p}s`, 1_000);
      await service.handle({
        kind: 'red-packet-send',
        packetId: `${p}rp`,
        senderId: `${p}s`,
        targetType: 'group',
        targetId: groupId,
        packetKind: 'equal',
        total: 400,
        count: 4,
        msg: '',
        at: clock.now(),
      });
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}rp`, userId: `${p}a`, at: clock.now() }),
      ).toMatchObject({ ok: true, value: { amount: 100 } });
      clock.advance(OPTIONS.expiryMs - 1);
      await service.sweep();
      expect(await balance(`${p}s`)).toBe(600);
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}rp`, userId: `${p}b`, at: clock.now() }),
      ).toMatchObject({ ok: true, value: { amount: 100 } });
      clock.advance(1);
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}rp`, userId: `${p}c`, at: clock.now() }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_RED_PACKET_EXPIRED' });
      await Promise.all([service.sweep(), service.sweep()]);
      expect(await balance(`${p}s`)).toBe(800);
      expect(await balance(redPacketAccount(`${p}rp`))).toBe(0);
      expect((await store.redPackets.get(`${p}rp`))?.state).toBe('settled');
      const refunds = (await store.messages.range(`s:${p}s`, { limit: 20 })).filter(
        (m) => m.message.messageType === 22,
      );
      expect(refunds.map((m) => m.message.content)).toEqual([{ redPacketId: `${p}rp`, amt: 200 }]);
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}rp`, userId: `${p}c`, at: clock.now() }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_RED_PACKET_EXPIRED' });
      await service.sweep();
      expect(await balance(`${p}s`)).toBe(800);
    });

    it('refuses bad sends and opens, and changes nothing', async () => {
      const groupId = await group(`${p}s`, [`${p}a`]);
      await topup(`${p}s`, 100);
      const send = (over: Record<string, unknown>) =>
        service.handle({
          kind: 'red-packet-send',
          packetId: `${p}rp${randomUUID().slice(0, 4)}`,
          senderId: `${p}s`,
          targetType: 'group',
          targetId: groupId,
          packetKind: 'lucky',
          total: 50,
          count: 2,
          msg: '',
          at: 0,
          ...over,
        } as never);
      expect(await send({ total: 500 })).toMatchObject({ ok: false, error: 'IM_ERR_INSUFFICIENT_FUNDS' });
      expect(await send({ count: 3 })).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
      expect(await send({ total: 1 })).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
      expect(await send({ packetKind: 'equal', total: 51 })).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
      expect(await send({ senderId: `${p}x` })).toMatchObject({ ok: false, error: 'IM_ERR_NOT_MEMBER' });
      expect(await send({ targetType: 'user', targetId: `${p}s` })).toMatchObject({
        ok: false,
        error: 'IM_ERR_BAD_REQUEST',
      });
      expect(await balance(`${p}s`)).toBe(100);
      expect(await store.messages.range(`g:${groupId}`, { limit: 10 })).toEqual([]);
      // A direct packet: only the receiver may open it; the same packet id with other parameters is refused.
      const direct = {
        kind: 'red-packet-send' as const,
        packetId: `${p}d`,
        senderId: `${p}s`,
        targetType: 'user' as const,
        targetId: `${p}a`,
        packetKind: 'equal' as const,
        total: 30,
        count: 1,
        msg: 'hi',
        at: 0,
      };
      expect(await service.handle(direct)).toMatchObject({ ok: true });
      expect(await service.handle({ ...direct, total: 40 })).toMatchObject({ ok: false, error: 'IM_ERR_CONFLICT' });
      expect(await service.handle(direct)).toMatchObject({ ok: true });
      expect(await balance(`${p}s`)).toBe(70);
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}d`, userId: `${p}s`, at: 0 }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_FORBIDDEN' });
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}none`, userId: `${p}a`, at: 0 }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_NOT_FOUND' });
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}d`, userId: `${p}a`, at: 0 }),
      ).toMatchObject({ ok: true, value: { amount: 30, alreadyOpened: false } });
      expect(
        await service.handle({ kind: 'red-packet-open', packetId: `${p}d`, userId: `${p}a`, at: 0 }),
      ).toMatchObject({ ok: true, value: { amount: 30, alreadyOpened: true } });
      expect(await balance(`${p}a`)).toBe(30);
    });

    it('a crash after a slot was taken but before it was paid is paid by the sweep', async () => {
      const groupId = await group(`${p}s`, [`${p}a`, `${p}b`]);
      await topup(`${p}s`, 100);
      await service.handle({
        kind: 'red-packet-send',
        packetId: `${p}rp`,
        senderId: `${p}s`,
        targetType: 'group',
        targetId: groupId,
        packetKind: 'equal',
        total: 60,
        count: 2,
        msg: '',
        at: clock.now(),
      });
      // Crash on the first ledger write of the open: the packet account's debit is written, the credit is not.
      const crashing = new WalletService(
        { ...store, ledger: crashingLedger(store.ledger, (call) => call === 1), redPackets: store.redPackets } as Store,
        delivery,
        OPTIONS,
        silent,
        clock,
      );
      await expect(
        crashing.handle({ kind: 'red-packet-open', packetId: `${p}rp`, userId: `${p}a`, at: clock.now() }),
      ).rejects.toThrow('simulated crash');
      expect(await balance(`${p}a`)).toBe(0);
      await service.sweep();
      expect(await balance(`${p}a`)).toBe(30);
      expect(await balance(redPacketAccount(`${p}rp`))).toBe(30);
      expect(delivery.types(`${p}s`).filter((t) => t === 19)).toHaveLength(1);
    });

    it('an AA collection: a crash after a seat was taken is paid by the sweep (39 once); after expiry no payment, the sweep closes it (controllable clock)', async () => {
      const groupId = await group(`${p}c`, [`${p}a`, `${p}b`, `${p}d`]);
      await topup(`${p}a`, 100);
      await topup(`${p}b`, 100);
      const id = `${p}pc`;
      expect(
        await service.handle({
          kind: 'collection-create',
          collectionId: id,
          collectionKind: 'aa',
          collectorId: `${p}c`,
          targetType: 'group',
          targetId: groupId,
          amount: 40,
          count: 2,
          totalAmt: 80,
          msg: '',
          at: clock.now(),
        }),
      ).toMatchObject({ ok: true, value: { state: 'open' } });
      const crashing = new WalletService(
        { ...store, ledger: crashingLedger(store.ledger, (call) => call === 1) } as Store,
        delivery,
        OPTIONS,
        silent,
        clock,
      );
      await expect(
        crashing.handle({
          kind: 'collection-pay',
          collectionId: id,
          payerId: `${p}a`,
          requestKey: 'ka',
          at: clock.now(),
        }),
      ).rejects.toThrow('simulated crash');
      expect(await balance(`${p}c`)).toBe(0);
      await service.sweep();
      expect([await balance(`${p}a`), await balance(`${p}c`)]).toEqual([60, 40]);
      expect(delivery.types(`${p}c`).filter((t) => t === 39)).toHaveLength(1);
      // The payer's retry answers the payment the sweep finished.
      expect(
        await service.handle({
          kind: 'collection-pay',
          collectionId: id,
          payerId: `${p}a`,
          requestKey: 'ka',
          at: clock.now(),
        }),
      ).toMatchObject({ ok: true, value: { alreadyPaid: true } });
      clock.advance(OPTIONS.collectionExpiryMs);
      expect(
        await service.handle({
          kind: 'collection-pay',
          collectionId: id,
          payerId: `${p}b`,
          requestKey: 'kb',
          at: clock.now(),
        }),
      ).toMatchObject({ ok: false, error: 'IM_ERR_COLLECTION_CLOSED' });
      expect(await balance(`${p}b`)).toBe(100);
      expect((await store.collections.get(id))?.state).toBe('open');
      await service.sweep();
      expect((await store.collections.get(id))?.state).toBe('closed');
      expect(delivery.types(`${p}c`).filter((t) => t === 39)).toHaveLength(1);
    });

    it('40 payers of a count-10 collection at once, some without money: exactly 10 pay, money conserved', async () => {
      const payers = Array.from({ length: 40 }, (_, i) => `${p}q${i}`);
      const groupId = await group(`${p}c`, payers);
      for (const [i, q] of payers.entries()) if (i % 4 !== 0) await topup(q, 50);
      const id = `${p}pc10`;
      await service.handle({
        kind: 'collection-create',
        collectionId: id,
        collectionKind: 'aa',
        collectorId: `${p}c`,
        targetType: 'group',
        targetId: groupId,
        amount: 30,
        count: 10,
        totalAmt: 300,
        msg: '',
        at: clock.now(),
      });
      const services = [service, new WalletService(store, delivery, OPTIONS, silent, clock)];
      const replies = await Promise.all(
        payers.map((q, i) =>
          (services[i % 2] as WalletService).handle({
            kind: 'collection-pay',
            collectionId: id,
            payerId: q,
            requestKey: 'k',
            at: clock.now(),
          }),
        ),
      );
      const paid = replies.filter((r) => r.ok);
      expect(paid).toHaveLength(10);
      for (const r of replies)
        if (!r.ok) expect(['IM_ERR_COLLECTION_CLOSED', 'IM_ERR_INSUFFICIENT_FUNDS']).toContain(r.error);
      const balances = await Promise.all(payers.map(balance));
      expect(balances.every((b) => b >= 0)).toBe(true);
      expect(await balance(`${p}c`)).toBe(300);
      expect(balances.reduce((a, b) => a + b, 0) + 300).toBe(30 * 50);
    });

    const transfer = (fromId: string, toId: string, amount: number, transferId: string = randomUUID()) =>
      service.handle({ kind: 'transfer-send', transferId, fromId, toId, amount, msg: 'for lunch', at: clock.now() });
    const answer = (kind: 'transfer-accept' | 'transfer-return', transferId: string, userId: string) =>
      service.handle({ kind, transferId, userId, at: clock.now() });

    it('a transfer to a friend: 18 to the receiver, accept credits them (20 to the sender); never returned afterwards', async () => {
      const [a, b, x] = [`${p}a`, `${p}b`, `${p}x`];
      await topup(a, 1_000);
      await store.relations.befriend(a, b);
      expect(await transfer(a, x, 100)).toMatchObject({ ok: false, error: 'IM_ERR_NOT_FRIEND' });
      expect(await transfer(a, b, 5_000)).toMatchObject({ ok: false, error: 'IM_ERR_INSUFFICIENT_FUNDS' });
      expect(await transfer(a, b, 0)).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
      expect(await balance(a)).toBe(1_000);
      const id = `${p}t1`;
      expect(await transfer(a, b, 300, id)).toEqual({ ok: true, value: { transferId: id, state: 'pending' } });
      expect(await transfer(a, b, 300, id)).toEqual({ ok: true, value: { transferId: id, state: 'pending' } });
      expect(await transfer(a, b, 301, id)).toMatchObject({ ok: false, error: 'IM_ERR_CONFLICT' });
      expect([await balance(a), await balance(b), await balance(transferAccount(id))]).toEqual([700, 0, 300]);
      expect(delivery.types(b)).toEqual([18]);
      expect(await answer('transfer-accept', id, a)).toMatchObject({ ok: false, error: 'IM_ERR_FORBIDDEN' });
      expect(await answer('transfer-accept', id, b)).toEqual({
        ok: true,
        value: { transferId: id, state: 'accepted' },
      });
      expect(await answer('transfer-accept', id, b)).toEqual({
        ok: true,
        value: { transferId: id, state: 'accepted' },
      });
      expect(await answer('transfer-return', id, b)).toMatchObject({ ok: false, error: 'IM_ERR_CONFLICT' });
      expect([await balance(a), await balance(b), await balance(transferAccount(id))]).toEqual([700, 300, 0]);
      // Stored once; the repeated accept (and the return that finds it accepted) deliver that 20 again.
      expect(delivery.stored(a)).toEqual([20]);
      expect(delivery.types(a)).toEqual([20, 20, 20]);
      expect(await answer('transfer-accept', `${p}none`, b)).toMatchObject({ ok: false, error: 'IM_ERR_NOT_FOUND' });
    });

    it('ten accepts and ten returns of one transfer in parallel: exactly one outcome, paid once', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await topup(a, 500);
      await store.relations.befriend(a, b);
      const id = `${p}race`;
      await transfer(a, b, 500, id);
      const other = await makeStore();
      const replica = new WalletService(other, delivery, OPTIONS, silent, clock);
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 3 === 0 ? replica : service).handle({
            kind: i % 2 === 0 ? 'transfer-accept' : 'transfer-return',
            transferId: id,
            userId: b,
            at: clock.now(),
          }),
        ),
      );
      await other.close();
      const states = new Set(replies.flatMap((r) => (r.ok ? [(r.value as { state: string }).state] : [])));
      expect(states.size).toBe(1);
      expect(replies.filter((r) => !r.ok).every((r) => !r.ok && r.error === 'IM_ERR_CONFLICT')).toBe(true);
      const [ba, bb] = [await balance(a), await balance(b)];
      expect(ba + bb).toBe(500);
      expect(states.has('accepted') ? [ba, bb] : [bb, ba]).toEqual([0, 500]);
      expect(await balance(transferAccount(id))).toBe(0);
      expect((await store.transfers.get(id))?.state).toBe([...states][0]);
    });

    it('an unaccepted transfer returns by itself at expiry with 21 (controllable clock); a late accept is refused', async () => {
      const [a, b] = [`${p}a`, `${p}b`];
      await topup(a, 500);
      await store.relations.befriend(a, b);
      const id = `${p}exp`;
      await transfer(a, b, 200, id);
      clock.advance(OPTIONS.transferExpiryMs - 1);
      await service.sweep();
      expect(await balance(a)).toBe(300);
      clock.advance(1);
      await Promise.all([service.sweep(), service.sweep()]);
      expect([await balance(a), await balance(b), await balance(transferAccount(id))]).toEqual([500, 0, 0]);
      expect(delivery.stored(a).filter((t) => t === 21)).toHaveLength(1);
      expect(delivery.stored(b).filter((t) => t === 21)).toHaveLength(1);
      expect(await answer('transfer-accept', id, b)).toMatchObject({ ok: false, error: 'IM_ERR_CONFLICT' });
      expect((await store.transfers.get(id))?.state).toBe('returned');
    });

    it('concurrent transfers between friends, accepted and returned at random: users plus held money constant, no balance negative', async () => {
      const users = Array.from({ length: 5 }, (_, i) => `${p}f${i}`);
      for (const x of users) for (const y of users) if (x < y) await store.relations.befriend(x, y);
      for (const x of users) await topup(x, 1_000);
      const ids: string[] = [];
      let reading = true;
      const violations: string[] = [];
      const reader = (async () => {
        while (reading) {
          const balances = await Promise.all(users.map(balance));
          if (balances.some((b) => b < 0)) violations.push(balances.join(','));
          // Let timers and I/O run: on SQLite every read resolves at once, and the message writes wait for setImmediate.
          await new Promise((r) => setImmediate(r));
        }
      })();
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const from = users[i % 5] as string;
          const to = users[(i + 1 + (i % 3)) % 5] as string;
          const id = `${p}x${i}`;
          ids.push(id);
          const sent = await transfer(from, to, 50 + ((i * 61) % 300), id);
          if (sent.ok) await answer(i % 4 === 0 ? 'transfer-return' : 'transfer-accept', id, to);
        }),
      );
      reading = false;
      await reader;
      expect(violations).toEqual([]);
      const held = await Promise.all(ids.map((id) => balance(transferAccount(id))));
      const balances = await Promise.all(users.map(balance));
      expect(balances.reduce((a, b) => a + b, 0) + held.reduce((a, b) => a + b, 0)).toBe(5_000);
      expect(held.every((h) => h === 0)).toBe(true);
    }, 300_000);
  });
}

suite('SqliteStore', () => Promise.resolve(new SqliteStore(join(dir, 'money.db'))));
suite('MongoStore (FerretDB)', () => MongoStore.connect(urlFor(DBS[1] as string), { logger: silent }));
