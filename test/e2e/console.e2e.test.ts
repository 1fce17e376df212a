import { request } from 'node:http';
import { MESSAGE_TYPES } from '@im/protocol';
import { requireConsoleBuild } from '../support/console-build';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

const ADMIN_TOKEN = 'console-e2e-admin-token-0123456';

describe('web console served by the embedded gateway', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    requireConsoleBuild();
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  it('ops figures need the admin token and count the traffic', async () => {
    const ops = (token?: string): Promise<Response> =>
      fetch(`${h.url}/console/api/ops`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await ops()).status).toBe(401);
    expect((await ops('wrong-token-of-some-length')).status).toBe(401);
    // A client's JWT is not an admin token.
    expect((await ops(tokenFor('ops-alice'))).status).toBe(401);
    const before = (await (await ops(ADMIN_TOKEN)).json()) as { messagesIn: number; messagesOut: number };
    const [a, b] = await Promise.all([h.connect('ops-alice'), h.connect('ops-bob')]);
    expect((await a.send(a.message('ops-bob', 'counted'))).code).toBe(0);
    await b.waitForMessages(1);
    const res = await ops(ADMIN_TOKEN);
    expect(res.status).toBe(200);
    const after = (await res.json()) as Record<string, any>;
    expect(after).toMatchObject({
      gatewayId: expect.any(String),
      at: expect.any(Number),
      connections: expect.any(Number),
      deadLetters: expect.any(Number),
      consumerLag: expect.any(Number),
    });
    // The ready (1) and the text (2) at least; other tests in this process may add more.
    expect(after.messagesIn - before.messagesIn).toBeGreaterThanOrEqual(3);
    expect(after.messagesOut - before.messagesOut).toBeGreaterThanOrEqual(1);
    expect(after.ackLatencyMs.count).toBeGreaterThan(0);
    expect(after.ackLatencyMs.p50).toBeGreaterThanOrEqual(0);
    // Embedded mode: one process in the list, with its rate since the previous reading.
    expect(after.mode).toBe('embedded');
    expect(after.processes).toHaveLength(1);
    expect(after.processes[0]).toMatchObject({
      instance: after.gatewayId,
      role: 'embedded',
      pid: expect.any(Number),
      messagesIn: after.messagesIn,
    });
    expect(after.processes[0].rates.messagesIn).toBeGreaterThan(0);
  });

  it('serves the built page and its bundled assets, with no outside reference', async () => {
    const redirect = await fetch(`${h.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await fetch(`${h.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    // (The favicon is a data: URI in the page itself: nothing to load.)
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1] ?? '')
      .filter((u) => !u.startsWith('#') && !u.startsWith('data:'));
    expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      expect(asset.startsWith('/console/assets/')).toBe(true);
      const res = await fetch(`${h.url}${asset}`);
      expect(res.status).toBe(200);
      const body = await res.text();
      // Bundled: nothing loaded from a CDN at run time.
      expect(body).not.toMatch(/(?:src|href)=["']https?:\/\//);
      expect(body).not.toMatch(/import\s*\(?\s*["']https?:/);
    }
    const js = assets.find((a) => a.endsWith('.js')) ?? '';
    expect((await fetch(`${h.url}${js}`)).headers.get('content-type')).toContain('javascript');
  });

  it('refuses asset names that try to leave the assets folder, and unknown assets', async () => {
    // node:http sends the path as written (fetch would resolve the dot segments itself).
    const status = (path: string): Promise<number | undefined> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: h.server.port, path }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end();
      });
    const paths = [
      '/console/assets/..%2F..%2F..%2Fpackage.json',
      '/console/assets/..%2Findex.html',
      '/console/assets/%2e%2e',
      '/console/assets/nope.js',
      '/console/assets/index.ts',
    ];
    for (const path of paths) expect([path, await status(path)]).toEqual([path, 404]);
  });

  it('protocol.json is the registry: every type with number, name, direction, meaning, schema and example', async () => {
    const res = await h.http('GET', '/console/api/protocol.json', undefined);
    expect(res.status).toBe(200);
    const types = res.body.types as {
      type: number;
      name: string;
      direction: string;
      description: string;
      content: { kind: string };
      example: unknown;
    }[];
    expect(types).toHaveLength(MESSAGE_TYPES.length);
    expect(types.map((t) => t.type)).toEqual(MESSAGE_TYPES.map((t) => t.type));
    for (const [i, spec] of MESSAGE_TYPES.entries()) {
      expect(types[i]).toMatchObject({
        name: spec.name,
        direction: spec.direction,
        description: spec.description,
        stored: spec.stored,
      });
      expect(types[i]?.example).toEqual(spec.example);
      expect(typeof types[i]?.content.kind).toBe('string');
    }
    expect(res.body.errors.find((e: { name: string }) => e.name === 'IM_ERR_SPOOFED_SENDER')).toMatchObject({
      code: 40301,
      httpStatus: 403,
    });
  });

  it('embedded mode mints a dev token that signs in as that user', async () => {
    expect((await h.http('GET', '/console/api/info', undefined)).body).toMatchObject({ devTokens: true });
    const res = await h.http('POST', '/console/api/dev-token', undefined, { userId: 'con-alice', name: 'Alice' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: 'con-alice', token: expect.any(String) });
    const alice = await ImTestClient.connect(h.url, 'con-alice', res.body.token as string);
    h.clients.push(alice);
    const bob = await h.connect('con-bob');
    expect((await alice.send(alice.message('con-bob', 'hi from a console token'))).code).toBe(0);
    await bob.waitForMessages(1);
    expect(bob.ofType(2)[0]).toMatchObject({ fromId: 'con-alice', content: 'hi from a console token', seq: 1 });
  });

  it('refuses bad dev-token requests with a clear error', async () => {
    const bad: unknown[] = [
      {},
      { userId: 42 },
      { userId: 'has space' },
      { userId: 'x'.repeat(200) },
      { userId: 'ok', admin: true },
      { userId: 'ok', name: 7 },
      [],
      'just text',
    ];
    for (const body of bad) {
      const res = await h.http('POST', '/console/api/dev-token', undefined, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 40008, name: 'IM_ERR_BAD_REQUEST', error: expect.any(String) });
      expect(res.body.token).toBeUndefined();
    }
  });

  it('embedded mode: a dev top-up adds to the signed-in user’s own wallet; bad requests change nothing', async () => {
    const wallet = async (user: string): Promise<number> =>
      (await h.http('GET', '/v1/wallet', user)).body.balance as number;
    expect((await h.http('POST', '/console/api/dev-topup', undefined, { amount: 100 })).status).toBe(401);
    const first = await h.http('POST', '/console/api/dev-topup', 'con-topup', { amount: 250 });
    expect(first).toMatchObject({ status: 200, body: { userId: 'con-topup', amount: 250, balance: 250 } });
    // Each call is its own top-up.
    expect((await h.http('POST', '/console/api/dev-topup', 'con-topup', { amount: 250 })).body.balance).toBe(500);
    const bad: unknown[] = [
      {},
      { amount: '100' },
      { amount: 1.5 },
      { amount: 0 },
      { amount: -5 },
      { amount: 1_000_001 },
      { amount: 1, userId: 'con-other' },
      [],
      'text',
    ];
    for (const body of bad) {
      const res = await h.http('POST', '/console/api/dev-topup', 'con-topup', body);
      expect([body, res.status, res.body?.name]).toEqual([body, 400, 'IM_ERR_BAD_REQUEST']);
    }
    expect(await wallet('con-topup')).toBe(500);
    expect(await wallet('con-other')).toBe(0);
  });
});

describe('web console turned off', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_CONSOLE_ENABLED: 'false' });
  });
  afterAll(() => h.stop());

  it('IM_CONSOLE_ENABLED=false: no page, no api, no dev tokens; the rest of the server works', async () => {
    for (const path of ['/console/', '/console/api/protocol.json', '/console/api/info'])
      expect((await h.http('GET', path, undefined)).status).toBe(404);
    expect((await h.http('POST', '/console/api/dev-token', undefined, { userId: 'x' })).status).toBe(404);
    expect((await h.http('POST', '/console/api/dev-topup', 'x', { amount: 1 })).status).toBe(404);
    expect((await h.http('GET', '/healthz', undefined)).status).toBe(200);
  });
});
