// Group administration with the clients on different gateways: the group service, both gateways
// and the message service as separate processes on real Redis, Kafka and FerretDB.
import { randomUUID } from 'node:crypto';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(120_000);

const settle = (ms = 500): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('group administration across gateways (cluster)', () => {
  let h: ClusterHarness;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    // Expiry: the reminder lead (1 h) covers any date set below, so 58 comes at the first sweep.
    h = await ClusterHarness.start({
      gateways: 2,
      env: { IM_GROUP_EXPIRY_SWEEP_MS: '200', IM_GROUP_EXPIRY_REMINDER_MS: '3600000' },
    });
  });
  afterAll(() => h?.stop());

  it('invite (10 / 8), kick (64 / 9) and mute (62) reach the right clients on either gateway; a third sees nothing', async () => {
    const [o, a, x, z] = [u('go'), u('ga'), u('gx'), u('gz')];
    const groupId = await h.createGroup(0, o, [a]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cx = await h.connect(1, x);
    const cz = await h.connect(0, z);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/members`, o, { userIds: [x] })).body).toEqual({
      added: [x],
    });
    await Promise.all([cx.waitForMessages(1, 10, 20_000), ca.waitForMessages(1, 8, 20_000)]);
    expect((await cx.send(cx.message(groupId, 'hello all', { fromType: 2 }))).code).toBe(0);
    await Promise.all([co.waitForMessages(1, 2, 20_000), ca.waitForMessages(1, 2, 20_000)]);
    expect((await h.http(1, 'DELETE', `/v1/groups/${groupId}/members/${a}`, o)).status).toBe(204);
    await Promise.all([
      ca.waitForMessages(1, 64, 20_000),
      cx.waitForMessages(1, 9, 20_000),
      co.waitForMessages(1, 9, 20_000),
    ]);
    expect((await ca.send(ca.message(groupId, 'still here?', { fromType: 2 }))).code).toBe(40302);
    expect((await h.http(0, 'PUT', `/v1/groups/${groupId}/mute`, o)).status).toBe(204);
    await cx.waitForMessages(1, 62, 20_000);
    expect((await cx.send(cx.message(groupId, 'muted?', { fromType: 2 }))).code).toBe(40307);
    expect((await co.send(co.message(groupId, 'owner speaks', { fromType: 2 }))).code).toBe(0);
    await cx.waitForMessages(1, 2, 20_000);
    await settle();
    expect(ca.ofType(2).map((m) => m.content)).toEqual(['hello all']);
    expect(ca.ofType(62)).toHaveLength(0);
    expect(cz.received).toHaveLength(0);
  });

  it('rule caches: with every process warm, a send right after a kick, a mute or a block was answered is refused', async () => {
    const [o, a, b] = [u('co'), u('ca'), u('cb')];
    const groupId = await h.createGroup(0, o, [a, b]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cb = await h.connect(0, b);
    // Warm: both gateways and the message service have read the group, its members and the blacklist.
    expect((await ca.send(ca.message(groupId, 'warm a', { fromType: 2 }))).code).toBe(0);
    expect((await cb.send(cb.message(groupId, 'warm b', { fromType: 2 }))).code).toBe(0);
    expect((await ca.send(ca.message(b, 'warm 1:1'))).code).toBe(0);
    await Promise.all([co.waitForMessages(2, 2, 20_000), cb.waitForMessages(2, 2, 20_000)]);
    // No waiting for the notices: the next send follows the answer at once.
    expect((await h.http(0, 'DELETE', `/v1/groups/${groupId}/members/${a}`, o)).status).toBe(204);
    expect((await ca.send(ca.message(groupId, 'kicked?', { fromType: 2 }))).code).toBe(40302);
    expect((await h.http(1, 'PUT', `/v1/groups/${groupId}/mute`, o)).status).toBe(204);
    expect((await cb.send(cb.message(groupId, 'muted?', { fromType: 2 }))).code).toBe(40307);
    expect((await h.http(1, 'PUT', `/v1/blacklist/${a}`, b)).status).toBe(204);
    const blocked = ca.message(b, 'blocked?');
    expect((await ca.send(blocked)).code).toBe(0);
    await ca.waitForMessages(1, 66, 20_000);
    await settle();
    expect(
      cb
        .ofType(2)
        .map((m) => String(m.content))
        .sort(),
    ).toEqual(['warm 1:1', 'warm a']);
    expect(
      co
        .ofType(2)
        .map((m) => String(m.content))
        .sort(),
    ).toEqual(['warm a', 'warm b']);
  });

  it('rename (25), admin (55), apply / approve (13, 59 / 14, 60, 8), ownership (52 / 53) and dismiss (51) across gateways; a third sees nothing', async () => {
    const [o, a, j, z] = [u('ro'), u('ra'), u('rj'), u('rz')];
    const groupId = await h.createGroup(0, o, [a]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cj = await h.connect(1, j);
    const cz = await h.connect(0, z);
    expect((await h.http(1, 'PATCH', `/v1/groups/${groupId}`, a, { name: 'Nope' })).status).toBe(403);
    expect((await h.http(1, 'PATCH', `/v1/groups/${groupId}`, o, { name: 'Hikers' })).status).toBe(204);
    await Promise.all([ca.waitForMessages(1, 25, 20_000), co.waitForMessages(1, 25, 20_000)]);
    expect((await h.http(0, 'PUT', `/v1/groups/${groupId}/admins/${a}`, o)).status).toBe(204);
    await ca.waitForMessages(1, 55, 20_000);
    expect((await h.http(1, 'POST', `/v1/groups/${groupId}/applications`, j, { message: 'hi' })).body).toEqual({
      status: 'pending',
    });
    await Promise.all([
      co.waitForMessages(1, 59, 20_000),
      ca.waitForMessages(1, 59, 20_000),
      ca.waitForMessages(1, 13, 20_000),
    ]);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/applications/${j}/approve`, a)).status).toBe(204);
    await Promise.all([
      cj.waitForMessages(1, 14, 20_000),
      cj.waitForMessages(1, 60, 20_000),
      co.waitForMessages(1, 8, 20_000),
    ]);
    expect((await h.http(1, 'POST', `/v1/groups/${groupId}/owner/offer`, a, { userId: j })).status).toBe(403);
    expect((await h.http(1, 'POST', `/v1/groups/${groupId}/owner/offer`, o, { userId: j })).status).toBe(204);
    await cj.waitForMessages(1, 52, 20_000);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/owner/accept`, j)).status).toBe(204);
    await co.waitForMessages(1, 53, 20_000);
    expect((await h.http(0, 'DELETE', `/v1/groups/${groupId}`, o)).status).toBe(403);
    expect((await h.http(0, 'DELETE', `/v1/groups/${groupId}`, j)).status).toBe(204);
    await Promise.all([
      co.waitForMessages(1, 51, 20_000),
      ca.waitForMessages(1, 51, 20_000),
      cj.waitForMessages(1, 51, 20_000),
    ]);
    expect((await ca.send(ca.message(groupId, 'anyone?', { fromType: 2 }))).code).toBe(41001);
    await settle();
    expect(co.ofType(55)).toHaveLength(0);
    expect(cj.ofType(25)).toHaveLength(0);
    expect(cz.received).toHaveLength(0);
  });

  it('expiry: 58 then 65 once to the members on both gateways, nothing to a third; sends refused after', async () => {
    const [o, a, z] = [u('xo'), u('xa'), u('xz')];
    const groupId = await h.createGroup(0, o, [a]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cz = await h.connect(1, z);
    const expiresAt = Date.now() + 3000;
    expect((await h.http(1, 'PUT', `/v1/groups/${groupId}/expiry`, a, { expiresAt })).status).toBe(403);
    expect((await h.http(1, 'PUT', `/v1/groups/${groupId}/expiry`, o, { expiresAt })).status).toBe(204);
    await Promise.all([co.waitForMessages(1, 58, 20_000), ca.waitForMessages(1, 58, 20_000)]);
    await Promise.all([co.waitForMessages(1, 65, 20_000), ca.waitForMessages(1, 65, 20_000)]);
    expect(ca.ofType(65)[0]).toMatchObject({ destId: groupId, fromType: 2, content: { groupId, expiresAt } });
    expect((await ca.send(ca.message(groupId, 'too late', { fromType: 2 }))).code).toBe(41004);
    await settle(1000);
    expect([co.ofType(58).length, co.ofType(65).length, ca.ofType(58).length, ca.ofType(65).length]).toEqual([
      1, 1, 1, 1,
    ]);
    expect(cz.received).toHaveLength(0);
  });

  it('leave (9), refuse (61), avatar (46), announcement (47 / 48), introduction (56), remark (27), unset admin (57), ownership refusal (54) and member mute across gateways; a third sees nothing', async () => {
    const [o, a, b, j, z] = [u('lo'), u('la'), u('lb'), u('lj'), u('lz')];
    const groupId = await h.createGroup(0, o, [a, b]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cb = await h.connect(1, b);
    const cj = await h.connect(0, j);
    const cz = await h.connect(1, z);
    for (const [body, type] of [
      [{ avatar: 'https://img/g.png' }, 46],
      [{ announcement: 'Meet at 9' }, 47],
      [{ announcement: 'Meet at 10' }, 48],
      [{ introduction: 'We hike' }, 56],
    ] as const) {
      expect((await h.http(1, 'PATCH', `/v1/groups/${groupId}`, o, body)).status).toBe(204);
      await Promise.all([ca.waitForMessages(1, type, 20_000), co.waitForMessages(1, type, 20_000)]);
    }
    expect((await h.http(0, 'PUT', `/v1/groups/${groupId}/members/me/remark`, b, { remark: 'Bee' })).status).toBe(204);
    await Promise.all([ca.waitForMessages(1, 27, 20_000), co.waitForMessages(1, 27, 20_000)]);
    expect((await h.http(0, 'PUT', `/v1/groups/${groupId}/admins/${a}`, o)).status).toBe(204);
    await ca.waitForMessages(1, 55, 20_000);
    expect((await h.http(1, 'DELETE', `/v1/groups/${groupId}/admins/${a}`, o)).status).toBe(204);
    await ca.waitForMessages(1, 57, 20_000);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/applications`, j, {})).body).toEqual({ status: 'pending' });
    await co.waitForMessages(1, 59, 20_000);
    expect((await h.http(1, 'POST', `/v1/groups/${groupId}/applications/${j}/refuse`, o)).status).toBe(204);
    await cj.waitForMessages(1, 61, 20_000);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/owner/offer`, o, { userId: b })).status).toBe(204);
    await cb.waitForMessages(1, 52, 20_000);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/owner/refuse`, b)).status).toBe(204);
    await co.waitForMessages(1, 54, 20_000);
    expect((await h.http(1, 'PUT', `/v1/groups/${groupId}/members/${b}/mute`, a, { minutes: 5 })).status).toBe(403);
    expect((await h.http(1, 'PUT', `/v1/groups/${groupId}/members/${b}/mute`, o, { minutes: 5 })).status).toBe(204);
    expect((await cb.send(cb.message(groupId, 'muted?', { fromType: 2 }))).code).toBe(40307);
    expect((await h.http(0, 'DELETE', `/v1/groups/${groupId}/members/${b}/mute`, o)).status).toBe(204);
    expect((await cb.send(cb.message(groupId, 'back', { fromType: 2 }))).code).toBe(0);
    await ca.waitForMessages(1, 2, 20_000);
    expect((await h.http(1, 'DELETE', `/v1/groups/${groupId}/members/me`, a)).status).toBe(204);
    await Promise.all([co.waitForMessages(1, 9, 20_000), cb.waitForMessages(1, 9, 20_000)]);
    await settle();
    expect(ca.ofType(9)).toHaveLength(0);
    expect(cj.received.map((m) => m.messageType)).toEqual([61]);
    expect(cb.ofType(57)).toHaveLength(0);
    expect(cz.received).toHaveLength(0);
  });
});
