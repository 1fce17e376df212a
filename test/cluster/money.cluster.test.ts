// Red packets in cluster mode: the wallet service as its own process behind two gateways, on real
// Kafka and FerretDB; then the wallet process killed (-9) in the middle of a load and restarted.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@im/common';
import { MongoStore } from '@im/store';
import { BANK_ACCOUNT, redPacketAccount, transferAccount } from '@im/wallet-service';
import { ClusterHarness, clusterEndpoints } from '../support/cluster-harness';

jest.setTimeout(300_000);

const ADMIN = 'cluster-admin-token-0123456789';
/**
 * The figures (1,000 opens from 200 users of a 100-share packet) with
 * `IM_TEST_MONEY_FULL=1`; `npm test` runs a tenth of the opens and shares (100 opens from 40 users
 * of a 10-share packet): one packet's opens go through Kafka one after another, and the full run
 * takes minutes on a loaded 2-core machine. The same 1,000 / 200 / 100 race against two service
 * instances on FerretDB runs in full in test/cluster/money.test.ts.
 */
const FULL = process.env.IM_TEST_MONEY_FULL === '1';
const OPENS = FULL ? 1000 : 100;
const OPENERS = FULL ? 200 : 40;
const SHARES = FULL ? 100 : 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('money across gateways (cluster)', () => {
  let h: ClusterHarness;
  let store: MongoStore;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    h = await ClusterHarness.start({
      gateways: 2,
      env: { IM_ADMIN_TOKEN: ADMIN, IM_MONEY_SWEEP_MS: '500', IM_RED_PACKET_MAX_AMOUNT: '1000000' },
    });
    const url = new URL(clusterEndpoints().mongoUrl);
    url.pathname = `/${h.database}`;
    store = await MongoStore.connect(url.toString(), { logger: createLogger({ service: 'test', level: 'silent' }) });
  });
  afterAll(async () => {
    await store?.close();
    await h?.stop();
  });

  const call = (...args: Parameters<ClusterHarness['httpUntilFinal']>) => h.httpUntilFinal(...args);
  const topup = (userId: string, amount: number, key: string) =>
    call(
      0,
      'POST',
      '/v1/admin/wallet/topup',
      undefined,
      { userId, amount, idempotencyKey: key },
      { authorization: `Bearer ${ADMIN}` },
    );

  it(`${OPENS} concurrent opens from ${OPENERS} users over two gateways: exactly ${SHARES} users get a share, none twice, the shares sum to the amount`, async () => {
    const sender = u('cs');
    const users = Array.from({ length: OPENERS }, (_, i) => u(`co${i}`));
    const groupId = await h.createGroup(0, sender, users);
    expect((await topup(sender, 20_000, u('k'))).status).toBe(200);
    const sent = await call(1, 'POST', '/v1/red-packets', sender, {
      to: { type: 'group', id: groupId },
      kind: 'lucky',
      total: 12_345,
      count: SHARES,
      msg: '恭喜发财',
      requestId: 'c1',
    });
    expect(sent).toMatchObject({ status: 201, body: { state: 'open' } });
    const packetId = sent.body.packetId as string;
    const opens = await Promise.all(
      Array.from({ length: OPENS }, (_, i) =>
        call(i % 2, 'POST', `/v1/red-packets/${packetId}/open`, users[(i * 7) % OPENERS]),
      ),
    );
    const got = new Map<string, number>();
    opens.forEach((o, i) => {
      if (o.status === 200) {
        const user = users[(i * 7) % OPENERS] as string;
        if (got.has(user)) expect(got.get(user)).toBe(o.body.amount);
        got.set(user, o.body.amount as number);
      } else {
        expect(o.body.name).toBe('IM_ERR_RED_PACKET_EMPTY');
      }
    });
    expect(got.size).toBe(SHARES);
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBe(12_345);
    expect(opens.filter((o) => o.status === 200 && o.body.alreadyOpened === false).length).toBeLessThanOrEqual(SHARES);
    const claims = await store.redPackets.claims(packetId);
    expect(claims.map((c) => [c.userId, c.amount]).sort()).toEqual([...got.entries()].sort());
    // Every winner was paid exactly their share (read through either gateway).
    const balances = await Promise.all(
      [...got.keys()].map(async (userId, i) => (await call(i % 2, 'GET', '/v1/wallet', userId)).body.balance as number),
    );
    expect(balances).toEqual([...got.values()]);
    expect((await call(0, 'GET', '/v1/wallet', sender)).body.balance).toBe(20_000 - 12_345);
  });

  it('kill -9 of the wallet service during a load of sends and opens: after a restart every packet is paid out exactly, money is conserved, nothing is left half done', async () => {
    const senders = Array.from({ length: 6 }, (_, i) => u(`ks${i}`));
    const openers = Array.from({ length: 10 }, (_, i) => u(`ko${i}`));
    const groupId = await h.createGroup(0, senders[0] as string, [...senders.slice(1), ...openers]);
    for (const s of senders) expect((await topup(s, 1_000, `top-${s}`)).status).toBe(200);
    const PACKETS = 3;
    let loadDone = false;
    const load = (async () => {
      await Promise.all(
        senders.flatMap((s, si) =>
          Array.from({ length: PACKETS }, async (_, j) => {
            const sent = await call((si + j) % 2, 'POST', '/v1/red-packets', s, {
              to: { type: 'group', id: groupId },
              kind: j % 2 === 0 ? 'lucky' : 'equal',
              total: 200,
              count: 5,
              requestId: `p${j}`,
            });
            expect(sent.status).toBe(201);
            const packetId = sent.body.packetId as string;
            await Promise.all(openers.map((o, oi) => call(oi % 2, 'POST', `/v1/red-packets/${packetId}/open`, o)));
            return packetId;
          }),
        ),
      );
      loadDone = true;
    })();
    await sleep(700);
    expect(loadDone).toBe(false);
    await h.kill('wallet');
    await sleep(300);
    await h.restart('wallet');
    await load;
    // Let the restarted service's sweep finish whatever the kill interrupted.
    const all = [...senders, ...openers];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pending = await store.ledger.pendingOps(Number.MAX_SAFE_INTEGER, 10);
      const active = await store.redPackets.active(10);
      if ((pending.length === 0 && active.length === 0) || Date.now() > deadline) break;
      await sleep(500);
    }
    expect(await store.ledger.pendingOps(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await store.redPackets.active(10)).toEqual([]);
    const balance = async (account: string): Promise<number> => (await store.ledger.head(account))?.balance ?? 0;
    const balances = await Promise.all(all.map(balance));
    expect(balances.every((b) => b >= 0)).toBe(true);
    // 6 × 1,000 fen entered; every packet (3 per sender, 200 fen each, 5 shares of 10 openers) is paid out in full.
    expect(balances.reduce((a, b) => a + b, 0)).toBe(6_000);
    expect(await balance(BANK_ACCOUNT)).toBeLessThanOrEqual(-6_000);
    const openerTotal = (await Promise.all(openers.map(balance))).reduce((a, b) => a + b, 0);
    const senderTotal = (await Promise.all(senders.map(balance))).reduce((a, b) => a + b, 0);
    expect(openerTotal).toBe(6 * PACKETS * 200);
    expect(senderTotal).toBe(6_000 - 6 * PACKETS * 200);
    expect(h.logOf('wallet')).not.toMatch(/"level":"(error|fatal)"/);
    // Each packet (its send repeated: the same requestId is the same packet): 5 distinct openers,
    // shares summing to 200, its holding account empty.
    const settled = await Promise.all(
      senders.flatMap((s) =>
        Array.from({ length: PACKETS }, (_, j) =>
          call(0, 'POST', '/v1/red-packets', s, {
            to: { type: 'group', id: groupId },
            kind: j % 2 === 0 ? 'lucky' : 'equal',
            total: 200,
            count: 5,
            requestId: `p${j}`,
          }),
        ),
      ),
    );
    for (const r of settled) {
      const packetId = r.body.packetId as string;
      const claims = await store.redPackets.claims(packetId);
      expect(claims).toHaveLength(5);
      expect(new Set(claims.map((c) => c.userId)).size).toBe(5);
      expect(claims.reduce((a, c) => a + c.amount, 0)).toBe(200);
      expect(await balance(redPacketAccount(packetId))).toBe(0);
    }
  });

  it('concurrent transfers over both gateways with kill -9 of the wallet service: no balance ever negative (reader), users plus held money constant, every transfer decided once', async () => {
    const users = Array.from({ length: 6 }, (_, i) => u(`kt${i}`));
    for (const x of users) for (const y of users) if (x < y) await store.relations.befriend(x, y);
    for (const x of users) expect((await topup(x, 1_000, `top-${x}`)).status).toBe(200);
    const balance = async (account: string): Promise<number> => (await store.ledger.head(account))?.balance ?? 0;
    let reading = true;
    const violations: string[] = [];
    const reader = (async () => {
      while (reading) {
        const balances = await Promise.all(users.map(balance));
        if (balances.some((b) => b < 0)) violations.push(balances.join(','));
        if (balances.reduce((a, b) => a + b, 0) > 6_000) violations.push(`created money: ${balances.join(',')}`);
        await sleep(50);
      }
    })();
    const ids: string[] = [];
    let loadDone = false;
    const load = Promise.all(
      Array.from({ length: 36 }, async (_, i) => {
        const from = users[i % 6] as string;
        const to = users[(i + 1 + (i % 4)) % 6] as string;
        const sent = await call(i % 2, 'POST', '/v1/transfers', from, {
          toUserId: to,
          amount: 40 + ((i * 53) % 200),
          requestId: `t${i}`,
        });
        if (sent.status !== 201) {
          expect(sent.body.name).toBe('IM_ERR_INSUFFICIENT_FUNDS');
          return;
        }
        ids.push(sent.body.transferId as string);
        const answer = await call(
          (i + 1) % 2,
          'POST',
          `/v1/transfers/${sent.body.transferId}/${i % 3 === 0 ? 'return' : 'accept'}`,
          to,
        );
        expect(answer.status).toBe(200);
      }),
    ).then(() => {
      loadDone = true;
    });
    await sleep(600);
    expect(loadDone).toBe(false);
    await h.kill('wallet');
    await sleep(300);
    await h.restart('wallet');
    await load;
    // A kill between a transfer's ledger step and its state write leaves it to the restarted
    // service's sweep (every 500 ms here): wait for operations and transfers alike.
    const deadline = Date.now() + 60_000;
    while (
      ((await store.ledger.pendingOps(Number.MAX_SAFE_INTEGER, 10)).length > 0 ||
        (await store.transfers.open(10)).length > 0) &&
      Date.now() < deadline
    ) {
      await sleep(500);
    }
    reading = false;
    await reader;
    expect(violations).toEqual([]);
    expect(await store.ledger.pendingOps(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await store.transfers.open(10)).toEqual([]);
    const held = await Promise.all(ids.map((id) => balance(transferAccount(id))));
    expect(held.every((x) => x === 0)).toBe(true);
    const balances = await Promise.all(users.map(balance));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(6_000);
    for (const id of ids) {
      const t = await store.transfers.get(id);
      expect(['accepted', 'returned']).toContain(t?.state);
      const paid = await store.ledger.entryForOp(t?.toId ?? '', `tra:${id}`);
      const returned = await store.ledger.entryForOp(t?.fromId ?? '', `trr:${id}`);
      expect([paid !== undefined, returned !== undefined]).toEqual(
        t?.state === 'accepted' ? [true, false] : [false, true],
      );
    }
  });
});
