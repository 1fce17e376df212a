import { createHash, randomUUID } from 'node:crypto';
import type { ImMessage } from '@im/protocol';
import { EmbeddedHarness } from '../support/embedded-harness';

const ADMIN = 'admin-token-for-the-ids-test';
/** What a client may map to a Java `long`: a positive decimal of at most 19 digits, below 2^63. */
const DECIMAL_LONG = /^[1-9][0-9]{0,18}$/;
const fitsLong = (id: string): boolean => DECIMAL_LONG.test(id) && BigInt(id) < 2n ** 63n;

describe('server-made ids are decimal 64-bit numbers (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN });
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  const topup = async (userId: string, amount: number): Promise<void> => {
    const res = await fetch(`${h.url}/v1/admin/wallet/topup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ userId, amount, idempotencyKey: `ids-top-${userId}-${amount}` }),
    });
    expect(res.status).toBe(200);
  };
  const balance = async (userId: string): Promise<number> => (await h.http('GET', '/v1/wallet', userId)).body.balance;
  const created = async (path: string, userId: string, body: unknown): Promise<any> => {
    const res = await h.http('POST', path, userId, body);
    expect({ path, status: res.status }).toEqual({ path, status: 201 });
    return res.body;
  };

  it('groups, red packets, transfers, collections, payment requests and calls get increasing decimal ids; a retried request gets its first id', async () => {
    const [s, a, b] = ['id-s', 'id-a', 'id-b'];
    await topup(s, 1_000);
    expect((await h.http('POST', '/v1/friends/requests', s, { toUserId: a })).status).toBe(200);
    expect((await h.http('POST', '/v1/friends/requests/id-s/accept', a)).status).toBe(200);
    const groupId = await h.createGroup(s, [a, b]);
    const packet = { to: { type: 'group', id: groupId }, kind: 'lucky', total: 100, count: 2, requestId: 'id-rp1' };
    const { packetId } = await created('/v1/red-packets', s, packet);
    const { transferId } = await created('/v1/transfers', s, { toUserId: a, amount: 50, requestId: 'id-tr1' });
    const { collectionId } = await created('/v1/collections', s, {
      to: { type: 'group', id: groupId },
      amount: 10,
      count: 2,
      requestId: 'id-aa1',
    });
    const { collectionId: requestId } = await created('/v1/payment-requests', s, {
      toUserId: a,
      amount: 20,
      requestId: 'id-pr1',
    });

    // A 1:1 call (its id is in the 162 record) and a group call (in the 167).
    const [cs, ca, cb] = await Promise.all([h.connect(s), h.connect(a), h.connect(b)]);
    expect((await cs.send(cs.message(a, '', { messageType: 151 as ImMessage['messageType'] }))).code).toBe(0);
    await ca.waitForMessages(1, 151);
    expect((await ca.send(ca.message(s, '', { messageType: 155 as ImMessage['messageType'] }))).code).toBe(0);
    await cs.waitForMessages(1, 162);
    const callId = (cs.ofType(162)[0]?.content as { callId: string }).callId;
    expect(
      (await cs.send(cs.message(groupId, '', { messageType: 163 as ImMessage['messageType'], fromType: 2 }))).code,
    ).toBe(0);
    await cb.waitForMessages(1, 167);
    const multiCallId = (cb.ofType(167)[0]?.content as { callId: string }).callId;
    expect(
      (await cs.send(cs.message(groupId, '', { messageType: 165 as ImMessage['messageType'], fromType: 2 }))).code,
    ).toBe(0);

    const ids = [groupId, packetId, transferId, collectionId, requestId, callId, multiCallId] as string[];
    for (const id of ids) expect({ id, fits: fitsLong(id) }).toEqual({ id, fits: true });
    // Made one after the other: each larger than the one before (as numbers).
    for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i] as string) > BigInt(ids[i - 1] as string)).toBe(true);
    expect(BigInt(await h.createGroup(s, [a])) > BigInt(multiCallId)).toBe(true);

    // Retries (after the answer, and several at once) get the first id; the money moves once.
    expect((await h.http('POST', '/v1/red-packets', s, packet)).body.packetId).toBe(packetId);
    const again = { ...packet, requestId: 'id-rp2' };
    const burst = await Promise.all(Array.from({ length: 6 }, () => h.http('POST', '/v1/red-packets', s, again)));
    expect(burst.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(burst.map((r) => r.body.packetId)).size).toBe(1);
    expect((await h.http('POST', '/v1/red-packets', s, { ...packet, total: 101 })).status).toBe(409);
    expect(
      (await h.http('POST', '/v1/transfers', s, { toUserId: a, amount: 50, requestId: 'id-tr1' })).body.transferId,
    ).toBe(transferId);
    expect(
      (await h.http('POST', '/v1/payment-requests', s, { toUserId: a, amount: 20, requestId: 'id-pr1' })).body
        .collectionId,
    ).toBe(requestId);
    expect(await balance(s)).toBe(1_000 - 100 - 100 - 50);
    // The ids work as ids: the packet opens, the transfer is accepted.
    expect((await h.http('POST', `/v1/red-packets/${packetId}/open`, a)).status).toBe(200);
    expect(await h.http('POST', `/v1/transfers/${transferId}/accept`, a)).toMatchObject({
      status: 200,
      body: { state: 'accepted' },
    });
  });

  it('ids made before the change keep working: a UUID group, and a red packet request first made with its derived rp- id and retried now', async () => {
    const [s, a] = ['old-s', 'old-a'];
    const groupId = randomUUID();
    await h.server.store.groups.create({ groupId, name: 'old', ownerId: s, createdAt: Date.now() }, [
      { userId: s, role: 'owner' },
      { userId: a, role: 'member' },
    ]);
    expect(await h.http('GET', `/v1/groups/${groupId}`, a)).toMatchObject({
      status: 200,
      body: { groupId, ownerId: s },
    });
    const cs = await h.connect(s);
    expect((await cs.send(cs.message(groupId, 'still here', { fromType: 2 }))).code).toBe(0);

    // The first attempt, before the change, stored the packet under its derived id, then no answer came.
    await topup(s, 300);
    const legacyId = `rp-${createHash('sha256')
      .update(JSON.stringify([s, 'old-rp']))
      .digest('hex')
      .slice(0, 32)}`;
    const now = Date.now();
    expect(
      await h.server.store.redPackets.create({
        packetId: legacyId,
        senderId: s,
        targetType: 'group',
        targetId: groupId,
        kind: 'equal',
        total: 200,
        shares: [100, 100],
        msg: '',
        state: 'funding',
        createdAt: now,
        expiresAt: now + 3_600_000,
      }),
    ).toBe(true);
    const retry = await h.http('POST', '/v1/red-packets', s, {
      to: { type: 'group', id: groupId },
      kind: 'equal',
      total: 200,
      count: 2,
      requestId: 'old-rp',
    });
    expect(retry).toMatchObject({ status: 201, body: { packetId: legacyId, state: 'open' } });
    expect(await balance(s)).toBe(100);
    expect(await h.http('POST', `/v1/red-packets/${legacyId}/open`, a)).toMatchObject({
      status: 200,
      body: { amount: 100 },
    });
    expect((await h.http('GET', `/v1/red-packets/${legacyId}`, s)).body).toMatchObject({
      packetId: legacyId,
      state: 'open',
      claims: [{ userId: a, amount: 100 }],
    });
  });
});
