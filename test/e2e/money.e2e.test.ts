import { EmbeddedHarness } from '../support/embedded-harness';
import { expectRegistryShapes } from '../support/registry-shapes';

const ADMIN = 'admin-token-for-the-e2e-test';

describe('wallet and red packets end to end (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN, IM_RED_PACKET_MAX_AMOUNT: '100000' });
  });
  afterAll(() => h.stop());
  afterEach(() => {
    // Every notice the clients got has the shape the registry gives its type (docs/protocol.md).
    try {
      expectRegistryShapes(h.clients);
    } finally {
      h.closeClients();
    }
  });

  async function admin(
    path: string,
    body: unknown,
    secret: string | null = ADMIN,
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null) headers.authorization = `Bearer ${secret}`;
    const res = await fetch(`${h.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  const balance = async (userId: string): Promise<number> => (await h.http('GET', '/v1/wallet', userId)).body.balance;

  it('admin top-up and withdrawal: secret required, idempotent by key, same key with other parameters refused', async () => {
    expect(await balance('mw-a')).toBe(0);
    expect(
      (await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 100, idempotencyKey: 'k0' }, null)).status,
    ).toBe(401);
    expect(
      (await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 100, idempotencyKey: 'k0' }, 'wrong')).status,
    ).toBe(401);
    const tops = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 1000, idempotencyKey: 'mw-k1' }),
      ),
    );
    expect(tops.map((t) => t.status)).toEqual(Array(10).fill(200));
    expect(await balance('mw-a')).toBe(1000);
    expect(
      await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 999, idempotencyKey: 'mw-k1' }),
    ).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    expect(
      await admin('/v1/admin/wallet/topup', { userId: 'mw-b', amount: 1000, idempotencyKey: 'mw-k1' }),
    ).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    for (const bad of [
      { amount: 1.5 },
      { amount: '10' },
      { amount: -5 },
      { amount: 0 },
      { extra: 1 },
      { userId: { $ne: null } },
    ]) {
      expect(
        (await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 10, idempotencyKey: 'mw-bad', ...bad }))
          .status,
      ).toBe(400);
    }
    expect(
      await admin('/v1/admin/wallet/withdraw', { userId: 'mw-a', amount: 1001, idempotencyKey: 'mw-w1' }),
    ).toMatchObject({ status: 409, body: { name: 'IM_ERR_INSUFFICIENT_FUNDS' } });
    expect(
      await admin('/v1/admin/wallet/withdraw', { userId: 'mw-a', amount: 400, idempotencyKey: 'mw-w2' }),
    ).toMatchObject({ status: 200, body: { balance: 600 } });
    expect(await balance('mw-a')).toBe(600);
    expect((await h.http('GET', '/v1/wallet', undefined)).status).toBe(401);
  });

  it('a group red packet: 17 to the members, opened once per user, 19 per open and 24 to the sender, who took what readable by members', async () => {
    const groupId = await h.createGroup('rp-s', ['rp-a', 'rp-b']);
    await admin('/v1/admin/wallet/topup', { userId: 'rp-s', amount: 500, idempotencyKey: 'rp-top' });
    const [s, a] = await Promise.all([h.connect('rp-s'), h.connect('rp-a')]);
    const body = {
      to: { type: 'group', id: groupId },
      kind: 'lucky',
      total: 300,
      count: 2,
      msg: '恭喜发财',
      requestId: 'r1',
    };
    const sent = await h.http('POST', '/v1/red-packets', 'rp-s', body);
    expect(sent).toMatchObject({ status: 201, body: { state: 'open' } });
    const packetId = sent.body.packetId as string;
    // The same requestId is the same packet; with other parameters it is refused.
    expect((await h.http('POST', '/v1/red-packets', 'rp-s', body)).body.packetId).toBe(packetId);
    expect((await h.http('POST', '/v1/red-packets', 'rp-s', { ...body, total: 301 })).status).toBe(409);
    expect(await balance('rp-s')).toBe(200);
    await a.waitForMessages(1, 17);
    expect(a.ofType(17)[0]).toMatchObject({
      fromId: 'rp-s',
      destId: groupId,
      content: { redPacketId: packetId, msg: '恭喜发财' },
    });
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-z')).status).toBe(403);
    const oa = await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-a');
    expect(oa).toMatchObject({ status: 200, body: { alreadyOpened: false } });
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-a')).body).toEqual({
      ...oa.body,
      alreadyOpened: true,
    });
    const ob = await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-b');
    expect(oa.body.amount + ob.body.amount).toBe(300);
    expect(Math.min(oa.body.amount, ob.body.amount)).toBeGreaterThanOrEqual(1);
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-s')).toMatchObject({
      status: 410,
      body: { name: 'IM_ERR_RED_PACKET_EMPTY' },
    });
    expect([await balance('rp-a'), await balance('rp-b')]).toEqual([oa.body.amount, ob.body.amount]);
    await s.waitForMessages(2, 19);
    await s.waitForMessages(1, 24);
    const view = await h.http('GET', `/v1/red-packets/${packetId}`, 'rp-b');
    expect(view.body).toMatchObject({
      total: 300,
      count: 2,
      claims: [
        { userId: 'rp-a', amount: oa.body.amount },
        { userId: 'rp-b', amount: ob.body.amount },
      ],
    });
    expect((await h.http('GET', `/v1/red-packets/${packetId}`, 'rp-z')).status).toBe(403);
  });

  it('a password red packet: opened by typing the password in the group (68 tells the amount) or through the API with it; wrong password moves nothing; 50 to the group', async () => {
    const groupId = await h.createGroup('pw-s', ['pw-a', 'pw-b', 'pw-c']);
    await admin('/v1/admin/wallet/topup', { userId: 'pw-s', amount: 1_000, idempotencyKey: 'pw-top' });
    const [s, a, b] = await Promise.all([h.connect('pw-s'), h.connect('pw-a'), h.connect('pw-b')]);
    const body = {
      to: { type: 'group', id: groupId },
      kind: 'password',
      total: 90,
      count: 2,
      msg: '口令',
      password: '芝麻开门',
      requestId: 'pw1',
    };
    for (const bad of [
      { password: undefined },
      { password: '' },
      { password: 7 },
      { kind: 'lucky' },
      { to: { type: 'user', id: 'pw-a' } },
    ]) {
      expect({
        bad,
        status: (await h.http('POST', '/v1/red-packets', 'pw-s', { ...body, ...bad, requestId: 'pw-bad' })).status,
      }).toEqual(expect.objectContaining({ bad, status: 400 }));
    }
    const sent = await h.http('POST', '/v1/red-packets', 'pw-s', body);
    expect(sent).toMatchObject({ status: 201, body: { state: 'open' } });
    const packetId = sent.body.packetId as string;
    // The same requestId with another password is another request: refused.
    expect((await h.http('POST', '/v1/red-packets', 'pw-s', { ...body, password: 'other' })).status).toBe(409);
    await a.waitForMessages(1, 17);
    expect(JSON.stringify(a.ofType(17))).not.toContain('芝麻开门');
    const view = await h.http('GET', `/v1/red-packets/${packetId}`, 'pw-a');
    expect(view.body).toMatchObject({ kind: 'password', count: 2 });
    expect(JSON.stringify(view.body)).not.toMatch(/芝麻开门|passwordHash/);
    // Wrong password, no password: refused, nothing moves; a wrong text in the chat is just chat.
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: '芝麻关门' })).toMatchObject({
      status: 403,
      body: { name: 'IM_ERR_FORBIDDEN' },
    });
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b')).status).toBe(403);
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: 1 })).status).toBe(400);
    expect(
      (await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: '芝麻开门', extra: 1 })).status,
    ).toBe(400);
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-z', { password: '芝麻开门' })).status).toBe(
      403,
    );
    expect((await b.send(b.message(groupId, '芝麻关门', { fromType: 2 }))).code).toBe(0);
    expect(await balance('pw-b')).toBe(0);
    // The password typed in the group: delivered as chat, and it opens a share for the typist.
    expect((await a.send(a.message(groupId, '芝麻开门', { fromType: 2 }))).code).toBe(0);
    await b.waitFor(() => b.ofType(2).some((m) => m.content === '芝麻开门'));
    await a.waitForMessages(1, 68);
    const notice = a.ofType(68)[0];
    expect(notice).toMatchObject({ fromType: 3, destId: 'pw-a', content: { redPacketId: packetId } });
    const got = (notice?.content as { amt: number }).amt;
    expect(got).toBeGreaterThanOrEqual(1);
    expect(await balance('pw-a')).toBe(got);
    // Typing it again takes nothing more; the API answers the same share.
    expect((await a.send(a.message(groupId, '芝麻开门', { fromType: 2 }))).code).toBe(0);
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-a', { password: '芝麻开门' })).toMatchObject({
      status: 200,
      body: { amount: got, alreadyOpened: true },
    });
    const ob = await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: '芝麻开门' });
    expect(ob).toMatchObject({ status: 200, body: { amount: 90 - got, alreadyOpened: false } });
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-c', { password: '芝麻开门' })).toMatchObject({
      status: 410,
      body: { name: 'IM_ERR_RED_PACKET_EMPTY' },
    });
    expect([await balance('pw-a'), await balance('pw-b'), await balance('pw-c'), await balance('pw-s')]).toEqual([
      got,
      90 - got,
      0,
      910,
    ]);
    await s.waitForMessages(2, 19);
    // All taken: 50 in the group (not 24 to the sender).
    await Promise.all([a.waitForMessages(1, 50), b.waitForMessages(1, 50), s.waitForMessages(1, 50)]);
    expect(a.ofType(50)[0]).toMatchObject({ fromType: 2, destId: groupId, content: { redPacketId: packetId } });
    expect(s.ofType(24)).toEqual([]);
    expect(a.ofType(68)).toHaveLength(1);
  });

  it('an AA collection in a group: created over HTTP (40 to the members), each member pays once (39 to the collector), at most count payments; bad input moves nothing', async () => {
    const groupId = await h.createGroup('aa-c', ['aa-a', 'aa-b', 'aa-d', 'aa-e']);
    for (const u of ['aa-a', 'aa-b', 'aa-d'])
      await admin('/v1/admin/wallet/topup', { userId: u, amount: 100, idempotencyKey: `aa-top-${u}` });
    const [c, a] = await Promise.all([h.connect('aa-c'), h.connect('aa-a')]);
    // A client-sent 40 claims money: refused, naming the HTTP API.
    const socket40 = await a.send(
      a.message(groupId, { totalAmt: 100, msg: 'x', amt: 25, counts: 4 }, { fromType: 2, messageType: 40 }),
    );
    expect(socket40.code).toBe(40008);
    expect((socket40 as { error: string }).error).toContain('POST /v1/collections');
    const body = { to: { type: 'group', id: groupId }, amount: 30, count: 2, msg: 'dinner', requestId: 'aa1' };
    for (const bad of [
      { amount: 1.5 },
      { amount: '30' },
      { amount: 0 },
      { amount: -3 },
      { count: 0 },
      { count: '2' },
      { extra: 1 },
      { totalAmt: 10 },
      { count: 5 },
      { msg: 5 },
    ]) {
      expect({
        bad,
        status: (await h.http('POST', '/v1/collections', 'aa-c', { ...body, ...bad, requestId: 'aa-bad' })).status,
      }).toEqual({ bad, status: 400 });
    }
    expect((await h.http('POST', '/v1/collections', 'aa-z', body)).status).toBe(403);
    const created = await h.http('POST', '/v1/collections', 'aa-c', body);
    expect(created).toMatchObject({ status: 201, body: { state: 'open' } });
    const id = created.body.collectionId as string;
    expect((await h.http('POST', '/v1/collections', 'aa-c', body)).body.collectionId).toBe(id);
    expect((await h.http('POST', '/v1/collections', 'aa-c', { ...body, amount: 31 })).status).toBe(409);
    await a.waitForMessages(1, 40);
    expect(a.ofType(40)[0]).toMatchObject({
      fromId: 'aa-c',
      fromType: 2,
      destId: groupId,
      content: { totalAmt: 60, amt: 30, counts: 2, msg: 'dinner', collectionId: id },
    });
    // Paying one's own collection, outsiders, bad bodies, no money: refused, nothing moves.
    expect(await h.http('POST', `/v1/collections/${id}/pay`, 'aa-c', { requestId: 'p' })).toMatchObject({
      status: 400,
      body: { name: 'IM_ERR_BAD_REQUEST' },
    });
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'aa-z', { requestId: 'p' })).status).toBe(403);
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'aa-a', { requestId: 5 })).status).toBe(400);
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'aa-a', { requestId: 'p', amount: 1 })).status).toBe(400);
    expect((await h.http('POST', '/v1/collections/nope/pay', 'aa-a', { requestId: 'p' })).status).toBe(404);
    expect(await h.http('POST', `/v1/collections/${id}/pay`, 'aa-e', { requestId: 'p' })).toMatchObject({
      status: 409,
      body: { name: 'IM_ERR_INSUFFICIENT_FUNDS' },
    });
    // Ten identical payments in parallel: one moves money, all answer the same payment.
    const tens = await Promise.all(
      Array.from({ length: 10 }, () => h.http('POST', `/v1/collections/${id}/pay`, 'aa-a', { requestId: 'pa' })),
    );
    expect(tens.map((t) => t.status)).toEqual(Array(10).fill(200));
    expect(tens.filter((t) => t.body.alreadyPaid === false)).toHaveLength(1);
    expect(await balance('aa-a')).toBe(70);
    // Paying again with another request: refused.
    expect(await h.http('POST', `/v1/collections/${id}/pay`, 'aa-a', { requestId: 'pa2' })).toMatchObject({
      status: 409,
      body: { name: 'IM_ERR_CONFLICT' },
    });
    expect(await h.http('POST', `/v1/collections/${id}/pay`, 'aa-b', { requestId: 'pb' })).toMatchObject({
      status: 200,
      body: { amount: 30, alreadyPaid: false },
    });
    expect(await h.http('POST', `/v1/collections/${id}/pay`, 'aa-d', { requestId: 'pd' })).toMatchObject({
      status: 410,
      body: { name: 'IM_ERR_COLLECTION_CLOSED' },
    });
    expect([await balance('aa-a'), await balance('aa-b'), await balance('aa-d'), await balance('aa-c')]).toEqual([
      70, 70, 100, 60,
    ]);
    await c.waitForMessages(2, 39);
    expect(c.ofType(39).map((m) => m.content)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ amt: 30, collectionId: id, payerId: 'aa-a' }),
        expect.objectContaining({ amt: 30, payerId: 'aa-b' }),
      ]),
    );
    const view = await h.http('GET', `/v1/collections/${id}`, 'aa-d');
    expect(view.body).toMatchObject({
      kind: 'aa',
      amount: 30,
      count: 2,
      payments: [{ payerId: 'aa-a' }, { payerId: 'aa-b' }],
    });
    expect((await h.http('GET', `/v1/collections/${id}`, 'aa-z')).status).toBe(404);
  });

  it('a payment request: 41 to the payer, paid once by them (39 to the requester), never twice', async () => {
    await admin('/v1/admin/wallet/topup', { userId: 'pr-p', amount: 500, idempotencyKey: 'pr-top' });
    const [r, p] = await Promise.all([h.connect('pr-r'), h.connect('pr-p')]);
    for (const bad of [{ amount: 0 }, { amount: 2.5 }, { toUserId: 'pr-r' }, { toUserId: 7 }, { extra: 1 }]) {
      expect(
        (
          await h.http('POST', '/v1/payment-requests', 'pr-r', {
            toUserId: 'pr-p',
            amount: 180,
            requestId: 'q-bad',
            ...bad,
          })
        ).status,
      ).toBe(400);
    }
    const created = await h.http('POST', '/v1/payment-requests', 'pr-r', {
      toUserId: 'pr-p',
      amount: 180,
      msg: 'coffee',
      requestId: 'q1',
    });
    expect(created).toMatchObject({ status: 201, body: { state: 'open' } });
    const id = created.body.collectionId as string;
    await p.waitForMessages(1, 41);
    expect(p.ofType(41)[0]).toMatchObject({
      fromId: 'pr-r',
      destId: 'pr-p',
      content: { msg: 'coffee', amt: 180, collectionId: id },
    });
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'pr-x', { requestId: 'x' })).status).toBe(403);
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'pr-r', { requestId: 'x' })).status).toBe(400);
    expect(await h.http('POST', `/v1/collections/${id}/pay`, 'pr-p', { requestId: 'x' })).toMatchObject({
      status: 200,
      body: { amount: 180, alreadyPaid: false },
    });
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'pr-p', { requestId: 'x' })).body).toMatchObject({
      alreadyPaid: true,
    });
    expect((await h.http('POST', `/v1/collections/${id}/pay`, 'pr-p', { requestId: 'y' })).status).toBe(409);
    expect([await balance('pr-p'), await balance('pr-r')]).toEqual([320, 180]);
    await r.waitForMessages(1, 39);
    expect(r.ofType(39)[0]).toMatchObject({ fromId: 'pr-p', content: { amt: 180, collectionId: id } });
  });

  it('likes (82) and tips (83) on a group text message: the author is told, a tip moves money once; bad targets refused', async () => {
    const groupId = await h.createGroup('lt-a', ['lt-b', 'lt-c']);
    await admin('/v1/admin/wallet/topup', { userId: 'lt-b', amount: 100, idempotencyKey: 'lt-top' });
    const [a, b] = await Promise.all([h.connect('lt-a'), h.connect('lt-b')]);
    const text = a.message(groupId, 'worth a tip', { fromType: 2 });
    expect((await a.send(text)).code).toBe(0);
    await b.waitFor(() => b.ofType(2).some((m) => m.msgId === text.msgId));
    const like = (content: unknown, extra = {}) =>
      b.message(groupId, content, { fromType: 2, messageType: 82, ...extra });
    const tip = (content: unknown, extra = {}) =>
      b.message(groupId, content, { fromType: 2, messageType: 83, ...extra });
    expect((await b.send(like({ msgId: text.msgId }))).code).toBe(0);
    expect((await b.send(like({ msgId: text.msgId }))).code).toBe(0); // once per liker: no second notice
    await a.waitForMessages(1, 82);
    expect(a.ofType(82)[0]).toMatchObject({
      fromId: 'lt-b',
      fromType: 2,
      destId: groupId,
      content: { msgId: text.msgId },
    });
    const tipMsg = tip({ msgId: text.msgId, amt: 40 });
    const tips = await Promise.all(Array.from({ length: 10 }, () => b.send(tipMsg)));
    expect(tips.map((t) => t.code)).toEqual(Array(10).fill(0));
    expect([await balance('lt-b'), await balance('lt-a')]).toEqual([60, 40]);
    await a.waitForMessages(1, 83);
    expect(a.ofType(83)[0]).toMatchObject({ fromId: 'lt-b', destId: groupId, content: { msgId: text.msgId, amt: 40 } });
    // Bad tips and likes: nothing moves.
    const refusals: [unknown, number][] = [
      [tip({ msgId: text.msgId, amt: 1.5 }), 40006],
      [tip({ msgId: text.msgId, amt: '10' }), 40006],
      [tip({ msgId: text.msgId, amt: 0 }), 40006],
      [tip({ msgId: text.msgId, amt: -5 }), 40006],
      [tip({ msgId: text.msgId, amt: 5, extra: 1 }), 40006],
      [tip({ msgId: 'no-such-message', amt: 5 }), 40401],
      [tip({ msgId: text.msgId, amt: 1_000 }), 40902],
      [tip({ msgId: text.msgId, amt: 5 }, { fromId: 'lt-a' }), 40301],
      [like({ msgId: text.msgId }, { fromType: 1 }), 40007],
      [like({ msgId: text.msgId, amt: 1 }), 40006],
    ];
    for (const [m, code] of refusals) expect({ m, code: (await b.send(m)).code }).toEqual({ m, code });
    const own = await a.send(a.message(groupId, { msgId: text.msgId, amt: 5 }, { fromType: 2, messageType: 83 }));
    expect(own.code).toBe(40008);
    const z = await h.connect('lt-z');
    expect((await z.send(z.message(groupId, { msgId: text.msgId }, { fromType: 2, messageType: 82 }))).code).toBe(
      40302,
    );
    expect([await balance('lt-b'), await balance('lt-a')]).toEqual([60, 40]);
    expect(a.ofType(82)).toHaveLength(1);
    expect(a.ofType(83)).toHaveLength(1);
  });

  it('refuses bad red packets and changes nothing', async () => {
    await admin('/v1/admin/wallet/topup', { userId: 'rb-s', amount: 100, idempotencyKey: 'rb-top' });
    const base = { to: { type: 'user', id: 'rb-r' }, kind: 'equal', total: 100, count: 1, requestId: 'x' };
    expect(await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, total: 200, requestId: 'x1' })).toMatchObject({
      status: 409,
      body: { name: 'IM_ERR_INSUFFICIENT_FUNDS' },
    });
    for (const bad of [
      { total: 10.5 },
      { total: '100' },
      { count: 0 },
      { kind: 'big' },
      { to: { type: 'user' } },
      { extra: true },
    ]) {
      expect((await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, ...bad })).status).toBe(400);
    }
    expect((await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, total: 100_001, requestId: 'x2' })).status).toBe(
      400,
    );
    expect(
      (await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, to: { type: 'user', id: 'rb-s' }, requestId: 'x3' }))
        .status,
    ).toBe(400);
    expect((await h.http('POST', '/v1/red-packets', undefined, base)).status).toBe(401);
    expect(await balance('rb-s')).toBe(100);
    const ok = await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, requestId: 'x4' });
    expect(ok.status).toBe(201);
    expect((await h.http('POST', `/v1/red-packets/${ok.body.packetId}/open`, 'rb-s')).status).toBe(403);
    expect((await h.http('POST', `/v1/red-packets/${ok.body.packetId}/open`, 'rb-r')).body).toMatchObject({
      amount: 100,
    });
    expect([await balance('rb-s'), await balance('rb-r')]).toEqual([0, 100]);
  });

  it('a transfer to a friend over HTTP: 18 to the receiver, accept (20) or return (21); bad input refused', async () => {
    await admin('/v1/admin/wallet/topup', { userId: 'tf-a', amount: 1_000, idempotencyKey: 'tf-top' });
    const [a, b] = [await h.connect('tf-a'), await h.connect('tf-b')];
    expect(
      await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 100, requestId: 't0' }),
    ).toMatchObject({ status: 403, body: { name: 'IM_ERR_NOT_FRIEND' } });
    expect((await h.http('POST', '/v1/friends/requests', 'tf-a', { toUserId: 'tf-b' })).status).toBe(200);
    expect((await h.http('POST', '/v1/friends/requests/tf-a/accept', 'tf-b')).status).toBe(200);
    for (const bad of [{ amount: 1.5 }, { amount: '100' }, { amount: -1 }, { toUserId: 'tf-a' }, { extra: 1 }]) {
      expect(
        (await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 100, requestId: 'tb', ...bad }))
          .status,
      ).toBe(400);
    }
    const t1 = await h.http('POST', '/v1/transfers', 'tf-a', {
      toUserId: 'tf-b',
      amount: 300,
      msg: 'rent',
      requestId: 't1',
    });
    expect(t1).toMatchObject({ status: 201, body: { state: 'pending' } });
    await b.waitForMessages(1, 18);
    expect(b.ofType(18)[0]).toMatchObject({
      fromId: 'tf-a',
      content: { transferId: t1.body.transferId, amt: 300, msg: 'rent' },
    });
    expect((await h.http('GET', `/v1/transfers/${t1.body.transferId}`, 'tf-z')).status).toBe(404);
    expect((await h.http('POST', `/v1/transfers/${t1.body.transferId}/accept`, 'tf-a')).status).toBe(403);
    expect(await h.http('POST', `/v1/transfers/${t1.body.transferId}/accept`, 'tf-b')).toMatchObject({
      status: 200,
      body: { state: 'accepted' },
    });
    expect(await h.http('POST', `/v1/transfers/${t1.body.transferId}/return`, 'tf-b')).toMatchObject({
      status: 409,
      body: { name: 'IM_ERR_CONFLICT' },
    });
    await a.waitForMessages(1, 20);
    const t2 = await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 200, requestId: 't2' });
    expect(await h.http('POST', `/v1/transfers/${t2.body.transferId}/return`, 'tf-b')).toMatchObject({
      status: 200,
      body: { state: 'returned' },
    });
    await Promise.all([a.waitForMessages(1, 21), b.waitForMessages(1, 21)]);
    expect([await balance('tf-a'), await balance('tf-b')]).toEqual([700, 300]);
    expect((await h.http('GET', `/v1/transfers/${t2.body.transferId}`, 'tf-a')).body).toMatchObject({
      state: 'returned',
      amount: 200,
    });
  });
});

describe('admin API without IM_ADMIN_TOKEN', () => {
  it('is disabled (403) and moves no money', async () => {
    const h = await EmbeddedHarness.start();
    try {
      const res = await fetch(`${h.url}/v1/admin/wallet/topup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' },
        body: JSON.stringify({ userId: 'a', amount: 1, idempotencyKey: 'k' }),
      });
      expect(res.status).toBe(403);
      expect((await h.http('GET', '/v1/wallet', 'a')).body).toMatchObject({ balance: 0 });
    } finally {
      await h.stop();
    }
  });
});
