// Password red packets, AA collections, payment requests and tips in cluster mode: wallet and
// message services as their own processes behind two gateways, on real Kafka and FerretDB.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@im/common';
import { MongoStore } from '@im/store';
import { seatOpId } from '@im/wallet-service';
import { ClusterHarness, clusterEndpoints } from '../support/cluster-harness';

jest.setTimeout(120_000);

const ADMIN = 'cluster-admin-token-social-0123';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('password packets, AA collections, payment requests and tips across gateways (cluster)', () => {
  let h: ClusterHarness;
  let store: MongoStore;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, env: { IM_ADMIN_TOKEN: ADMIN, IM_MONEY_SWEEP_MS: '500' } });
    const url = new URL(clusterEndpoints().mongoUrl);
    url.pathname = `/${h.database}`;
    store = await MongoStore.connect(url.toString(), { logger: createLogger({ service: 'test', level: 'silent' }) });
  });
  afterAll(async () => {
    await store?.close();
    await h?.stop();
  });

  const call = (...args: Parameters<ClusterHarness['httpUntilFinal']>) => h.httpUntilFinal(...args);
  const topup = (userId: string, amount: number) =>
    call(
      0,
      'POST',
      '/v1/admin/wallet/topup',
      undefined,
      { userId, amount, idempotencyKey: `top-${userId}` },
      { authorization: `Bearer ${ADMIN}` },
    );
  const balance = async (account: string): Promise<number> => (await store.ledger.head(account))?.balance ?? 0;

  it('a password packet opened by typing the password on the other gateway (68 with the amount) and through the API; wrong text moves nothing; 50 to the group; the password in no log', async () => {
    const [s, a, b, c] = [u('ps'), u('pa'), u('pb'), u('pc')];
    const groupId = await h.createGroup(0, s, [a, b, c]);
    expect((await topup(s, 1_000)).status).toBe(200);
    const password = `open-sesame-${randomUUID().slice(0, 8)}`;
    const [ca, cb] = await Promise.all([h.connect(1, a), h.connect(0, b)]);
    const sent = await call(0, 'POST', '/v1/red-packets', s, {
      to: { type: 'group', id: groupId },
      kind: 'password',
      total: 77,
      count: 2,
      password,
      requestId: 'pw',
    });
    expect(sent).toMatchObject({ status: 201, body: { state: 'open' } });
    const packetId = sent.body.packetId as string;
    await ca.waitForMessages(1, 17);
    expect((await cb.send(cb.message(groupId, `${password}!`, { fromType: 2 }))).code).toBe(0);
    expect((await ca.send(ca.message(groupId, password, { fromType: 2 }))).code).toBe(0);
    await cb.waitFor(() => cb.ofType(2).some((m) => m.content === password));
    await ca.waitForMessages(1, 68, 20_000);
    const got = (ca.ofType(68)[0]?.content as { amt: number; redPacketId: string }).amt;
    expect(ca.ofType(68)[0]?.content).toEqual({ redPacketId: packetId, amt: got });
    expect(await balance(a)).toBe(got);
    expect(await balance(b)).toBe(0);
    expect((await call(1, 'POST', `/v1/red-packets/${packetId}/open`, b, { password: 'nope' })).status).toBe(403);
    expect(await call(1, 'POST', `/v1/red-packets/${packetId}/open`, b, { password })).toMatchObject({
      status: 200,
      body: { amount: 77 - got },
    });
    expect(await call(0, 'POST', `/v1/red-packets/${packetId}/open`, c, { password })).toMatchObject({ status: 410 });
    await Promise.all([ca.waitForMessages(1, 50, 20_000), cb.waitForMessages(1, 50, 20_000)]);
    expect(await balance(s)).toBe(1_000 - 77);
    for (const name of h.names()) expect(h.logOf(name)).not.toContain(password);
  });

  it('40 concurrent payers of a count-10 AA collection over two gateways: exactly 10 pay, none twice, users plus held money unchanged', async () => {
    const collector = u('ac');
    const payers = Array.from({ length: 40 }, (_, i) => u(`ap${i}`));
    const groupId = await h.createGroup(0, collector, payers);
    expect((await Promise.all(payers.map((p) => topup(p, 100)))).map((r) => r.status)).toEqual(payers.map(() => 200));
    const everyone = [collector, ...payers];
    const before = (await Promise.all(everyone.map(balance))).reduce((x, y) => x + y, 0);
    const created = await call(1, 'POST', '/v1/collections', collector, {
      to: { type: 'group', id: groupId },
      amount: 30,
      count: 10,
      msg: 'team dinner',
      requestId: 'aa',
    });
    expect(created).toMatchObject({ status: 201, body: { state: 'open' } });
    const id = created.body.collectionId as string;
    // Every payer twice (the same request on both gateways) at once.
    const answers = await Promise.all(
      payers.flatMap((p, i) =>
        [0, 1].map((g) => call((i + g) % 2, 'POST', `/v1/collections/${id}/pay`, p, { requestId: `pay-${p}` })),
      ),
    );
    const paidBy = new Set<string>();
    answers.forEach((r, k) => {
      const payer = payers[Math.floor(k / 2)] as string;
      if (r.status === 200) paidBy.add(payer);
      else expect(r.body.name).toBe('IM_ERR_COLLECTION_CLOSED');
    });
    expect(paidBy.size).toBe(10);
    expect(answers.filter((r) => r.status === 200 && r.body.alreadyPaid === false)).toHaveLength(10);
    for (const p of payers) expect(await balance(p)).toBe(paidBy.has(p) ? 70 : 100);
    expect(await balance(collector)).toBe(300);
    expect((await Promise.all(everyone.map(balance))).reduce((x, y) => x + y, 0)).toBe(before);
    const seats = await store.collections.seats(id);
    const paidSeats = (await Promise.all(seats.map((seat) => store.ledger.op(seatOpId(id, seat.slot))))).filter(
      (op) => op?.state === 'completed',
    );
    expect(paidSeats).toHaveLength(10);
    const view = await call(0, 'GET', `/v1/collections/${id}`, payers[0]);
    expect(new Set(view.body.payments.map((x: { payerId: string }) => x.payerId))).toEqual(paidBy);
    const cc = await h.connect(0, collector);
    await cc.waitFor(() => cc.ofType(39).length === 10, 20_000, '10 × 39');
  });

  it('kill -9 of the wallet service while 20 payers pay two count-6 collections: after a restart exactly 6 paid each, money conserved, nothing half done', async () => {
    const collector = u('kc');
    const payers = Array.from({ length: 20 }, (_, i) => u(`kp${i}`));
    const groupId = await h.createGroup(1, collector, payers);
    expect((await Promise.all(payers.map((p) => topup(p, 100)))).map((r) => r.status)).toEqual(payers.map(() => 200));
    const ids: string[] = [];
    for (const requestId of ['k1', 'k2']) {
      const created = await call(0, 'POST', '/v1/collections', collector, {
        to: { type: 'group', id: groupId },
        amount: 30,
        count: 6,
        requestId,
      });
      expect(created.status).toBe(201);
      ids.push(created.body.collectionId as string);
    }
    let loadDone = false;
    const load = Promise.all(
      ids.flatMap((id) =>
        payers.map((p, i) => call(i % 2, 'POST', `/v1/collections/${id}/pay`, p, { requestId: `r-${id}` })),
      ),
    ).then((answers) => {
      loadDone = true;
      return answers;
    });
    await sleep(150);
    expect(loadDone).toBe(false);
    await h.kill('wallet');
    await sleep(200);
    await h.restart('wallet');
    const answers = await load;
    for (const a of answers) if (a.status !== 200) expect(a.body.name).toBe('IM_ERR_COLLECTION_CLOSED');
    // The restarted service's sweep finishes what the kill interrupted and closes both collections.
    const deadline = Date.now() + 20_000;
    while (
      Date.now() < deadline &&
      ((await store.ledger.pendingOps(Number.MAX_SAFE_INTEGER, 10)).length > 0 ||
        (await store.collections.active(100)).some((c) => ids.includes(c.collectionId)))
    )
      await sleep(300);
    expect(await store.ledger.pendingOps(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    for (const id of ids) {
      expect((await store.collections.get(id))?.state).toBe('closed');
      const seats = await store.collections.seats(id);
      const paid = [];
      for (const seat of seats)
        if ((await store.ledger.op(seatOpId(id, seat.slot)))?.state === 'completed') paid.push(seat.payerId);
      expect(paid).toHaveLength(6);
      expect(new Set(paid).size).toBe(6);
    }
    const balances = await Promise.all(payers.map(balance));
    expect(balances.every((b) => b === 100 || b === 70 || b === 40)).toBe(true);
    expect(await balance(collector)).toBe(2 * 6 * 30);
    expect(balances.reduce((x, y) => x + y, 0) + (await balance(collector))).toBe(20 * 100);
    expect(h.logOf('wallet')).not.toMatch(/"level":"(error|fatal)"/);
  });

  it('idempotency: the same payment-request payment and the same tip ten times in parallel over both gateways move money once', async () => {
    const [r, p, author] = [u('rr'), u('rp'), u('ra')];
    expect((await topup(p, 1_000)).status).toBe(200);
    const created = await call(0, 'POST', '/v1/payment-requests', r, {
      toUserId: p,
      amount: 250,
      msg: 'coffee',
      requestId: 'q',
    });
    expect(created.status).toBe(201);
    const id = created.body.collectionId as string;
    const pays = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(i % 2, 'POST', `/v1/collections/${id}/pay`, p, { requestId: 'same' })),
    );
    expect(pays.map((x) => x.status)).toEqual(Array(10).fill(200));
    expect(pays.filter((x) => x.body.alreadyPaid === false)).toHaveLength(1);
    expect(await call(1, 'POST', `/v1/collections/${id}/pay`, p, { requestId: 'other' })).toMatchObject({
      status: 409,
      body: { name: 'IM_ERR_CONFLICT' },
    });
    expect([await balance(p), await balance(r)]).toEqual([750, 250]);

    const groupId = await h.createGroup(1, author, [p]);
    const [ca, p0, p1] = await Promise.all([
      h.connect(0, author),
      h.connect(0, p, { deviceId: 'd0' }),
      h.connect(1, p, { deviceId: 'd1' }),
    ]);
    const text = ca.message(groupId, 'tip me', { fromType: 2 });
    expect((await ca.send(text)).code).toBe(0);
    await p1.waitFor(() => p1.ofType(2).some((m) => m.msgId === text.msgId));
    const tip = p0.message(groupId, { msgId: text.msgId, amt: 60 }, { fromType: 2, messageType: 83 });
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? p0 : p1).send(tip, 30_000)));
    expect(acks.map((x) => x.code)).toEqual(Array(10).fill(0));
    expect([await balance(p), await balance(author)]).toEqual([690, 60]);
    await ca.waitForMessages(1, 83, 20_000);
    const like = p1.message(groupId, { msgId: text.msgId }, { fromType: 2, messageType: 82 });
    expect((await p1.send(like, 30_000)).code).toBe(0);
    await ca.waitForMessages(1, 82, 20_000);
    expect(ca.ofType(83)).toHaveLength(1);
  });
});
