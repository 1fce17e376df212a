import fc from 'fast-check';
import { ClusterHarness } from '../support/cluster-harness';
import { tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';
import { fuzzConnection, fuzzFrames } from '../support/raw-socket';

jest.setTimeout(180_000);

const ADMIN = 'admin-secret-for-cluster-tests';

describe('attacks in cluster mode: revocation, connection limit, fuzzing (two gateways, Redis adapter, OnceStore, presence)', () => {
  let h: ClusterHarness;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, env: { IM_ADMIN_TOKEN: ADMIN, IM_MAX_CONNECTIONS_PER_USER: '2' } });
  });
  afterAll(() => h?.stop());

  it('closes the user’s sockets on both gateways at once and every gateway refuses the old token', async () => {
    const onGw0 = await h.connect(0, 'crv-a', { deviceId: 'phone' });
    const onGw1 = await h.connect(1, 'crv-a', { deviceId: 'pc' });
    const bystander = await h.connect(1, 'crv-b');
    const oldToken = tokenFor('crv-a');

    const res = await fetch(`${h.gatewayUrl(0)}/v1/admin/users/crv-a/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(200);
    await onGw0.waitFor(() => !onGw0.connected, 10_000, 'gateway 0 socket closed');
    await onGw1.waitFor(() => !onGw1.connected, 10_000, 'gateway 1 socket closed');
    expect(bystander.connected).toBe(true);

    for (const gw of [0, 1]) {
      expect(await ImTestClient.refused(h.gatewayUrl(gw), oldToken)).toBe('unauthorized: token revoked');
      const http = await fetch(`${h.gatewayUrl(gw)}/v1/conversations`, {
        headers: { authorization: `Bearer ${oldToken}` },
      });
      expect(http.status).toBe(401);
      expect(await http.json()).toMatchObject({ code: 40101, error: 'token revoked' });
    }
    // The admin endpoint on the other gateway is guarded the same way.
    const refused = await fetch(`${h.gatewayUrl(1)}/v1/admin/users/crv-b/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor('crv-b')}` },
    });
    expect(refused.status).toBe(401);
    expect(bystander.connected).toBe(true);
    expect((await h.http(1, 'GET', '/v1/conversations', 'crv-b')).status).toBe(200);
  });

  it('counts a user’s sessions on the other gateway toward the per-user connection limit', async () => {
    await h.connect(0, 'clim-a', { deviceId: 'one' });
    await h.connect(1, 'clim-a', { deviceId: 'two' });
    for (const gw of [0, 1]) {
      expect(await ImTestClient.refused(h.gatewayUrl(gw), tokenFor('clim-a'), { deviceId: 'three' })).toBe(
        'too many connections for this user (limit 2)',
      );
    }
    expect((await h.connect(1, 'clim-b')).connected).toBe(true);
  });

  it('keeps every process up under raw Engine.IO / Socket.IO garbage on both gateways, storing nothing (row 12)', async () => {
    const token = tokenFor('cfz-sender');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        fc.array(fuzzFrames, { minLength: 1, maxLength: 6 }),
        (gw, authenticate, frames) => fuzzConnection(h.gatewayUrl(gw), authenticate ? token : undefined, frames),
      ),
      { numRuns: 30 },
    );
    for (const gw of [0, 1]) expect((await fetch(`${h.gatewayUrl(gw)}/readyz`)).status).toBe(200);
    // The services behind Kafka are up too: a message crosses gateways and is stored once.
    const a = await h.connect(0, 'cfz-a');
    const b = await h.connect(1, 'cfz-b');
    expect((await a.send(a.message('cfz-b', 'after the fuzz'))).code).toBe(0);
    await b.waitForMessages(1);
    expect((await h.http(1, 'GET', '/v1/messages?peerId=cfz-a', 'cfz-b')).body.messages).toHaveLength(1);
    expect((await h.http(0, 'GET', '/v1/conversations', 'cfz-sender')).body.conversations).toEqual([]);
  });

  it('refuses browser origins by default in cluster mode (IM_ALLOWED_ORIGINS unset), apps without Origin still connect', async () => {
    const polling = await fetch(`${h.gatewayUrl(0)}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'https://app.example.com' },
    });
    expect(polling.status).toBe(403);
    const api = await fetch(`${h.gatewayUrl(1)}/v1/conversations`, {
      headers: { origin: 'https://app.example.com', authorization: `Bearer ${tokenFor('cor-a')}` },
    });
    expect(api.status).toBe(403);
    expect((await h.connect(0, 'cor-a')).connected).toBe(true);
  });
});
