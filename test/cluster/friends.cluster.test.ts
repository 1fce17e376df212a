// Friends, presence and the multi-device policy with the clients on different gateways:
// the friend service, both gateways and the message service as separate processes on real
// Redis, Kafka and FerretDB.
import { randomUUID } from 'node:crypto';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(120_000);

const settle = (ms = 500): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('friends and presence across gateways (cluster)', () => {
  let h: ClusterHarness;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, env: { IM_PRESENCE_DEBOUNCE_MS: '500' } });
  });
  afterAll(() => h?.stop());

  it('request (11) and accept (12) reach the other gateway; a third client sees nothing', async () => {
    const [a, b, c] = [u('fa'), u('fb'), u('fc')];
    const ca = await h.connect(0, a);
    const cb = await h.connect(1, b);
    const cc = await h.connect(1, c);
    expect((await h.http(0, 'POST', '/v1/friends/requests', a, { toUserId: b, message: 'hi' })).body).toEqual({
      status: 'pending',
    });
    await cb.waitForMessages(1, 11, 20_000);
    expect(cb.ofType(11)[0]).toMatchObject({ fromId: a, destId: b, content: 'hi' });
    expect((await h.http(1, 'POST', `/v1/friends/requests/${a}/accept`, b)).body).toEqual({ status: 'friends' });
    await ca.waitForMessages(1, 12, 20_000);
    expect(ca.ofType(12)[0]).toMatchObject({ fromId: b, destId: a });
    expect((await h.http(0, 'GET', '/v1/friends', a)).body).toMatchObject({ userIds: [b], friends: [{ userId: b }] });
    expect((await h.http(1, 'POST', `/v1/friends/requests/${c}/accept`, b)).status).toBe(404);
    await settle();
    expect(cc.received).toHaveLength(0);
  });

  it('tells a friend on the other gateway 5 and, after the debounce, 6', async () => {
    const [a, b] = [u('pa'), u('pb')];
    await h.http(0, 'POST', '/v1/friends/requests', a, { toUserId: b });
    await h.http(1, 'POST', `/v1/friends/requests/${a}/accept`, b);
    const cb = await h.connect(1, b);
    const ca = await h.connect(0, a);
    await cb.waitForMessages(1, 5, 20_000);
    ca.close();
    await cb.waitForMessages(1, 6, 20_000);
    expect(cb.ofType(6)[0]).toMatchObject({ fromId: a, destId: b });
  });

  it('closes the older same-devType connection on the other gateway with 15', async () => {
    const a = u('ma');
    const phone1 = await h.connect(0, a, { deviceId: 'phone-1', devType: 1 });
    const pc = await h.connect(0, a, { deviceId: 'pc-1', devType: 2 });
    const phone2 = await h.connect(1, a, { deviceId: 'phone-2', devType: 1 });
    await phone1.waitForMessages(1, 15, 20_000);
    await phone1.waitFor(() => !phone1.connected, 20_000, 'disconnect');
    await settle();
    expect(pc.connected && phone2.connected).toBe(true);
    expect(pc.ofType(15)).toHaveLength(0);
  });

  // Last: it kills gateway1.
  it('a gateway crash: friends on the other gateway get one 6 once its lease lapses; a third client nothing', async () => {
    const [a, b, c] = [u('ka'), u('kb'), u('kc')];
    await h.http(0, 'POST', '/v1/friends/requests', a, { toUserId: b });
    expect((await h.http(1, 'POST', `/v1/friends/requests/${a}/accept`, b)).body).toEqual({ status: 'friends' });
    const cb = await h.connect(0, b);
    const cc = await h.connect(0, c);
    await h.connect(1, a, { deviceId: 'ka-phone', devType: 1 });
    await cb.waitForMessages(1, 5, 20_000);
    await h.kill('gateway1');
    // No disconnect handling ran: 6 comes from gateway0's sweep after the lease (IM_PRESENCE_TTL_MS) lapses.
    await cb.waitForMessages(1, 6, 30_000);
    expect(cb.ofType(6)[0]).toMatchObject({ fromId: a, destId: b });
    expect((await h.http(0, 'GET', '/v1/friends', b)).body).toMatchObject({ userIds: [a], friends: [{ userId: a }] });
    await settle(3000);
    expect(cb.ofType(6)).toHaveLength(1);
    expect(cc.received).toHaveLength(0);
  });
});
