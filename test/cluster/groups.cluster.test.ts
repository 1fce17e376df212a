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
    h = await ClusterHarness.start({ gateways: 2 });
  });
  afterAll(() => h?.stop());

  it('invite (10 / 8), kick (64 / 9) and mute (62) reach the right clients on either gateway; a third sees nothing', async () => {
    const [o, a, x, z] = [u('go'), u('ga'), u('gx'), u('gz')];
    const groupId = await h.createGroup(0, o, [a]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cx = await h.connect(1, x);
    const cz = await h.connect(0, z);
    expect((await h.http(0, 'POST', `/v1/groups/${groupId}/members`, o, { userIds: [x] })).body).toEqual({ added: [x] });
    await Promise.all([cx.waitForMessages(1, 10, 20_000), ca.waitForMessages(1, 8, 20_000)]);
    expect((await cx.send(cx.message(groupId, 'hello all', { fromType: 2 }))).code).toBe(0);
    await Promise.all([co.waitForMessages(1, 2, 20_000), ca.waitForMessages(1, 2, 20_000)]);
    expect((await h.http(1, 'DELETE', `/v1/groups/${groupId}/members/${a}`, o)).status).toBe(204);
    await Promise.all([ca.waitForMessages(1, 64, 20_000), cx.waitForMessages(1, 9, 20_000), co.waitForMessages(1, 9, 20_000)]);
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
});
