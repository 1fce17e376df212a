import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, loadConfig } from '@im/common';
import { EMBEDDED_CONFIG, banner, startEmbedded } from '@im/embedded';
import { GATEWAY_CONFIG } from '@im/gateway';
import { EmbeddedHarness, TEST_SECRET, tokenFor } from '../support/embedded-harness';

/** This machine's first address that is not loopback: how another machine on the network would reach it. */
function networkAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 interface to play the other machine on the network');
  return found.address;
}

/**
 * Issue 21: embedded mode listens on 127.0.0.1 unless IM_HOST opens it, and its dev endpoints
 * (any user's token, money for oneself) answer clients on this machine only, whatever IM_HOST.
 */
describe('embedded mode: safe defaults', () => {
  it('binds 127.0.0.1 by default (the cluster gateway keeps 0.0.0.0): nothing answers on the network address', async () => {
    expect(GATEWAY_CONFIG.IM_HOST.default).toBe('0.0.0.0');
    const dataDir = mkdtempSync(join(tmpdir(), 'im-defaults-'));
    const config = loadConfig(EMBEDDED_CONFIG, { IM_PORT: '0', IM_DATA_DIR: dataDir });
    expect(config.IM_HOST).toBe('127.0.0.1');
    const server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'silent' }));
    try {
      expect((server.gateway.app.server.address() as AddressInfo).address).toBe('127.0.0.1');
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      await expect(fetch(`http://${networkAddress()}:${server.port}/healthz`)).rejects.toThrow();
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the banner says where it listens, who can reach it, that dev endpoints are loopback-only, and the console URL', () => {
    const local = banner('127.0.0.1', 9092, './data', true);
    expect(local).toContain('listening on 127.0.0.1:9092, this machine only (IM_HOST=0.0.0.0 opens it to the network)');
    expect(local).toContain('http://localhost:9092/console/');
    expect(local).toContain('answer loopback clients only');
    expect(local).toContain('npm run -s token -- <userId>');
    const open = banner('0.0.0.0', 9092, './data', true);
    expect(open).toContain('listening on 0.0.0.0:9092, every network interface');
    expect(open).toContain('http://localhost:9092/console/');
    expect(banner('127.0.0.1', 9092, './data', false)).not.toContain('/console/');
  });
});

describe('embedded mode opened with IM_HOST=0.0.0.0: dev endpoints stay loopback-only', () => {
  let h: EmbeddedHarness;
  let remote: string;

  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_HOST: '0.0.0.0' });
    remote = `http://${networkAddress()}:${h.server.port}`;
  });
  afterAll(() => h.stop());

  const post = async (
    base: string,
    path: string,
    body: unknown,
    userId?: string,
  ): Promise<{ status: number; body: any }> => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(userId ? { authorization: `Bearer ${tokenFor(userId)}` } : {}),
    };
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  it('a client on the network gets 403 with the reason, no token and no money; the rest of the API serves it', async () => {
    const token = await post(remote, '/console/api/dev-token', { userId: 'net-mallory' });
    expect(token.status).toBe(403);
    expect(token.body).toMatchObject({
      code: 40305,
      name: 'IM_ERR_FORBIDDEN',
      error: expect.stringContaining('only clients on this machine (loopback)'),
    });
    expect(token.body.token).toBeUndefined();
    const topup = await post(remote, '/console/api/dev-topup', { amount: 1000 }, 'net-mallory');
    expect(topup.status).toBe(403);
    expect(topup.body.error).toContain('dev top-up');
    expect((await h.http('GET', '/v1/wallet', 'net-mallory')).body.balance).toBe(0);
    // The console does not offer what it would be refused.
    expect(await (await fetch(`${remote}/console/api/info`)).json()).toMatchObject({ devTokens: false });
    const wallet = await fetch(`${remote}/v1/wallet`, {
      headers: { authorization: `Bearer ${tokenFor('net-mallory')}` },
    });
    expect(wallet.status).toBe(200);
  });

  it('from this machine too, a web page of another origin or a re-pointed domain (DNS rebinding) is refused', async () => {
    const { port } = new URL(h.url);
    const mint = async (headers: Record<string, string>): Promise<{ status: number; body: any }> =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/console/api/dev-token',
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ userId: 'net-victim' }));
      });
    const foreign = await mint({ origin: 'http://evil.example' });
    expect(foreign).toMatchObject({
      status: 403,
      body: { name: 'IM_ERR_FORBIDDEN', error: expect.stringContaining('not http://evil.example') },
    });
    expect(foreign.body.token).toBeUndefined();
    const rebound = await mint({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
    expect(rebound).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining(`not to evil.example:${port}`) },
    });
    // The console itself: same origin as the server it was loaded from.
    expect((await mint({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await mint({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it('the same requests from this machine are served', async () => {
    expect(await (await fetch(`${h.url}/console/api/info`)).json()).toMatchObject({ devTokens: true });
    expect((await post(h.url, '/console/api/dev-token', { userId: 'net-local' })).status).toBe(200);
    expect((await post(h.url, '/console/api/dev-topup', { amount: 1000 }, 'net-local')).body).toMatchObject({
      balance: 1000,
    });
  });
});
