import { EmbeddedHarness } from '../support/embedded-harness';

const ADMIN = 'admin-token-for-the-e2e-test';

describe('wallet and red packets end to end (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN, IM_RED_PACKET_MAX_AMOUNT: '100000' });
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  async function admin(path: string, body: unknown, secret: string | null = ADMIN): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null) headers.authorization = `Bearer ${secret}`;
    const res = await fetch(`${h.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  const balance = async (userId: string): Promise<number> => (await h.http('GET', '/v1/wallet', userId)).body.balance;

  it('admin top-up and withdrawal: secret required, idempotent by key, same key with other parameters refused', async () => {
    expect(await balance('mw-a')).toBe(0);
    expect((await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 100, idempotencyKey: 'k0' }, null)).status).toBe(401);
    expect((await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 100, idempotencyKey: 'k0' }, 'wrong')).status).toBe(401);
    const tops = await Promise.all(Array.from({ length: 10 }, () => admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 1000, idempotencyKey: 'mw-k1' })));
    expect(tops.map((t) => t.status)).toEqual(Array(10).fill(200));
    expect(await balance('mw-a')).toBe(1000);
    expect(await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 999, idempotencyKey: 'mw-k1' })).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    expect(await admin('/v1/admin/wallet/topup', { userId: 'mw-b', amount: 1000, idempotencyKey: 'mw-k1' })).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    for (const bad of [{ amount: 1.5 }, { amount: '10' }, { amount: -5 }, { amount: 0 }, { extra: 1 }, { userId: { $ne: null } }]) {
      expect((await admin('/v1/admin/wallet/topup', { userId: 'mw-a', amount: 10, idempotencyKey: 'mw-bad', ...bad })).status).toBe(400);
    }
    expect(await admin('/v1/admin/wallet/withdraw', { userId: 'mw-a', amount: 1001, idempotencyKey: 'mw-w1' })).toMatchObject({ status: 409, body: { name: 'IM_ERR_INSUFFICIENT_FUNDS' } });
    expect(await admin('/v1/admin/wallet/withdraw', { userId: 'mw-a', amount: 400, idempotencyKey: 'mw-w2' })).toMatchObject({ status: 200, body: { balance: 600 } });
    expect(await balance('mw-a')).toBe(600);
    expect((await h.http('GET', '/v1/wallet', undefined)).status).toBe(401);
  });

  it('a group red packet: 17 to the members, opened once per user, 19 per open and 24 to the sender, who took what readable by members', async () => {
    const groupId = await h.createGroup('rp-s', ['rp-a', 'rp-b']);
    await admin('/v1/admin/wallet/topup', { userId: 'rp-s', amount: 500, idempotencyKey: 'rp-top' });
    const [s, a] = await Promise.all([h.connect('rp-s'), h.connect('rp-a')]);
    const body = { to: { type: 'group', id: groupId }, kind: 'lucky', total: 300, count: 2, msg: '恭喜发财', requestId: 'r1' };
    const sent = await h.http('POST', '/v1/red-packets', 'rp-s', body);
    expect(sent).toMatchObject({ status: 201, body: { state: 'open' } });
    const packetId = sent.body.packetId as string;
    // The same requestId is the same packet; with other parameters it is refused.
    expect((await h.http('POST', '/v1/red-packets', 'rp-s', body)).body.packetId).toBe(packetId);
    expect((await h.http('POST', '/v1/red-packets', 'rp-s', { ...body, total: 301 })).status).toBe(409);
    expect(await balance('rp-s')).toBe(200);
    await a.waitForMessages(1, 17);
    expect(a.ofType(17)[0]).toMatchObject({ fromId: 'rp-s', destId: groupId, content: { redPacketId: packetId, msg: '恭喜发财' } });
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-z')).status).toBe(403);
    const oa = await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-a');
    expect(oa).toMatchObject({ status: 200, body: { alreadyOpened: false } });
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-a')).body).toEqual({ ...oa.body, alreadyOpened: true });
    const ob = await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-b');
    expect(oa.body.amount + ob.body.amount).toBe(300);
    expect(Math.min(oa.body.amount, ob.body.amount)).toBeGreaterThanOrEqual(1);
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'rp-s')).toMatchObject({ status: 410, body: { name: 'IM_ERR_RED_PACKET_EMPTY' } });
    expect([await balance('rp-a'), await balance('rp-b')]).toEqual([oa.body.amount, ob.body.amount]);
    await s.waitForMessages(2, 19);
    await s.waitForMessages(1, 24);
    const view = await h.http('GET', `/v1/red-packets/${packetId}`, 'rp-b');
    expect(view.body).toMatchObject({ total: 300, count: 2, claims: [{ userId: 'rp-a', amount: oa.body.amount }, { userId: 'rp-b', amount: ob.body.amount }] });
    expect((await h.http('GET', `/v1/red-packets/${packetId}`, 'rp-z')).status).toBe(403);
  });

  it('a password red packet: opened by typing the password in the group (68 tells the amount) or through the API with it; wrong password moves nothing; 50 to the group', async () => {
    const groupId = await h.createGroup('pw-s', ['pw-a', 'pw-b', 'pw-c']);
    await admin('/v1/admin/wallet/topup', { userId: 'pw-s', amount: 1_000, idempotencyKey: 'pw-top' });
    const [s, a, b] = await Promise.all([h.connect('pw-s'), h.connect('pw-a'), h.connect('pw-b')]);
    const body = { to: { type: 'group', id: groupId }, kind: 'password', total: 90, count: 2, msg: '口令', password: '芝麻开门', requestId: 'pw1' };
    for (const bad of [{ password: undefined }, { password: '' }, { password: 7 }, { kind: 'lucky' }, { to: { type: 'user', id: 'pw-a' } }]) {
      expect({ bad, status: (await h.http('POST', '/v1/red-packets', 'pw-s', { ...body, ...bad, requestId: 'pw-bad' })).status }).toEqual(expect.objectContaining({ bad, status: 400 }));
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
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: '芝麻关门' })).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b')).status).toBe(403);
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: 1 })).status).toBe(400);
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: '芝麻开门', extra: 1 })).status).toBe(400);
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-z', { password: '芝麻开门' })).status).toBe(403);
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
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-a', { password: '芝麻开门' })).toMatchObject({ status: 200, body: { amount: got, alreadyOpened: true } });
    const ob = await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-b', { password: '芝麻开门' });
    expect(ob).toMatchObject({ status: 200, body: { amount: 90 - got, alreadyOpened: false } });
    expect(await h.http('POST', `/v1/red-packets/${packetId}/open`, 'pw-c', { password: '芝麻开门' })).toMatchObject({ status: 410, body: { name: 'IM_ERR_RED_PACKET_EMPTY' } });
    expect([await balance('pw-a'), await balance('pw-b'), await balance('pw-c'), await balance('pw-s')]).toEqual([got, 90 - got, 0, 910]);
    await s.waitForMessages(2, 19);
    // All taken: 50 in the group (not 24 to the sender).
    await Promise.all([a.waitForMessages(1, 50), b.waitForMessages(1, 50), s.waitForMessages(1, 50)]);
    expect(a.ofType(50)[0]).toMatchObject({ fromType: 2, destId: groupId, content: { redPacketId: packetId } });
    expect(s.ofType(24)).toEqual([]);
    expect(a.ofType(68)).toHaveLength(1);
  });

  it('refuses bad red packets and changes nothing', async () => {
    await admin('/v1/admin/wallet/topup', { userId: 'rb-s', amount: 100, idempotencyKey: 'rb-top' });
    const base = { to: { type: 'user', id: 'rb-r' }, kind: 'equal', total: 100, count: 1, requestId: 'x' };
    expect(await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, total: 200, requestId: 'x1' })).toMatchObject({ status: 409, body: { name: 'IM_ERR_INSUFFICIENT_FUNDS' } });
    for (const bad of [{ total: 10.5 }, { total: '100' }, { count: 0 }, { kind: 'big' }, { to: { type: 'user' } }, { extra: true }]) {
      expect((await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, ...bad })).status).toBe(400);
    }
    expect((await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, total: 100_001, requestId: 'x2' })).status).toBe(400);
    expect((await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, to: { type: 'user', id: 'rb-s' }, requestId: 'x3' })).status).toBe(400);
    expect((await h.http('POST', '/v1/red-packets', undefined, base)).status).toBe(401);
    expect(await balance('rb-s')).toBe(100);
    const ok = await h.http('POST', '/v1/red-packets', 'rb-s', { ...base, requestId: 'x4' });
    expect(ok.status).toBe(201);
    expect((await h.http('POST', `/v1/red-packets/${ok.body.packetId}/open`, 'rb-s')).status).toBe(403);
    expect((await h.http('POST', `/v1/red-packets/${ok.body.packetId}/open`, 'rb-r')).body).toMatchObject({ amount: 100 });
    expect([await balance('rb-s'), await balance('rb-r')]).toEqual([0, 100]);
  });

  it('a transfer to a friend over HTTP: 18 to the receiver, accept (20) or return (21); bad input refused', async () => {
    await admin('/v1/admin/wallet/topup', { userId: 'tf-a', amount: 1_000, idempotencyKey: 'tf-top' });
    const [a, b] = [await h.connect('tf-a'), await h.connect('tf-b')];
    expect(await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 100, requestId: 't0' })).toMatchObject({ status: 403, body: { name: 'IM_ERR_NOT_FRIEND' } });
    expect((await h.http('POST', '/v1/friends/requests', 'tf-a', { toUserId: 'tf-b' })).status).toBe(200);
    expect((await h.http('POST', '/v1/friends/requests/tf-a/accept', 'tf-b')).status).toBe(200);
    for (const bad of [{ amount: 1.5 }, { amount: '100' }, { amount: -1 }, { toUserId: 'tf-a' }, { extra: 1 }]) {
      expect((await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 100, requestId: 'tb', ...bad })).status).toBe(400);
    }
    const t1 = await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 300, msg: 'rent', requestId: 't1' });
    expect(t1).toMatchObject({ status: 201, body: { state: 'pending' } });
    await b.waitForMessages(1, 18);
    expect(b.ofType(18)[0]).toMatchObject({ fromId: 'tf-a', content: { transferId: t1.body.transferId, amt: 300, msg: 'rent' } });
    expect((await h.http('GET', `/v1/transfers/${t1.body.transferId}`, 'tf-z')).status).toBe(404);
    expect((await h.http('POST', `/v1/transfers/${t1.body.transferId}/accept`, 'tf-a')).status).toBe(403);
    expect(await h.http('POST', `/v1/transfers/${t1.body.transferId}/accept`, 'tf-b')).toMatchObject({ status: 200, body: { state: 'accepted' } });
    expect(await h.http('POST', `/v1/transfers/${t1.body.transferId}/return`, 'tf-b')).toMatchObject({ status: 409, body: { name: 'IM_ERR_CONFLICT' } });
    await a.waitForMessages(1, 20);
    const t2 = await h.http('POST', '/v1/transfers', 'tf-a', { toUserId: 'tf-b', amount: 200, requestId: 't2' });
    expect(await h.http('POST', `/v1/transfers/${t2.body.transferId}/return`, 'tf-b')).toMatchObject({ status: 200, body: { state: 'returned' } });
    await Promise.all([a.waitForMessages(1, 21), b.waitForMessages(1, 21)]);
    expect([await balance('tf-a'), await balance('tf-b')]).toEqual([700, 300]);
    expect((await h.http('GET', `/v1/transfers/${t2.body.transferId}`, 'tf-a')).body).toMatchObject({ state: 'returned', amount: 200 });
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
