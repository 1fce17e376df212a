// The web console on a cluster gateway: the page and the protocol reference are served, the
// dev-token endpoint does not exist (cluster tokens come from the operator's IM_JWT_SECRET).
import { MESSAGE_TYPES } from '@im/protocol';
import { ClusterHarness } from '../support/cluster-harness';
import { requireConsoleBuild } from '../support/console-build';

jest.setTimeout(120_000);

describe('web console on a cluster gateway', () => {
  let h: ClusterHarness;
  beforeAll(async () => {
    requireConsoleBuild();
    h = await ClusterHarness.start({ gateways: 1 });
  });
  afterAll(() => h?.stop());

  it('serves the console and the reference, and never mints dev tokens', async () => {
    const page = await fetch(`${h.gatewayUrl(0)}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/assets/');
    const ref = await h.http(0, 'GET', '/console/api/protocol.json', undefined);
    expect(ref.body.types).toHaveLength(MESSAGE_TYPES.length);
    expect((await h.http(0, 'GET', '/console/api/info', undefined)).body).toMatchObject({ devTokens: false });
    const mint = await h.http(0, 'POST', '/console/api/dev-token', undefined, { userId: 'cluster-mallory' });
    expect(mint.status).toBe(404);
    expect(mint.body.token).toBeUndefined();
    // Nor dev top-ups: money enters a cluster only through the admin API.
    expect((await h.http(0, 'POST', '/console/api/dev-topup', 'cluster-mallory', { amount: 100 })).status).toBe(404);
    expect((await h.http(0, 'GET', '/v1/wallet', 'cluster-mallory')).body).toMatchObject({ balance: 0 });
    // No IM_ADMIN_TOKEN on this cluster: the operations figures are refused, not open.
    const ops = await h.http(0, 'GET', '/console/api/ops', undefined);
    expect(ops).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
  });
});
