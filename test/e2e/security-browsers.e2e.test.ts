import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request (no fetch: it would not let us set Origin or the source address). */
function raw(
  url: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers ?? {},
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** An Engine.IO v4 polling handshake, the first request of every Socket.IO client. */
const handshake = (url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Raw> =>
  raw(url, '/socket.io/?EIO=4&transport=polling', { headers, ...(localAddress ? { localAddress } : {}) });

/**
 * Opens a WebSocket straight to Engine.IO; resolves with `101` when upgraded, or the refusal's
 * status and text (Engine.IO refuses an upgrade with 400 and the reason).
 */
function wsHandshake(url: string, origin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { origin });
    ws.on('open', () => {
      ws.close();
      resolve('101');
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve(`${res.statusCode ?? 0} ${body}`);
        ws.terminate();
      });
    });
    ws.on('error', reject);
  });
}

describe('Origin allow-list and CORS (IM_ALLOWED_ORIGINS set)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_ALLOWED_ORIGINS: `${APP}, http://localhost:5173` });
  });
  afterAll(() => h.stop());

  it('refuses a Socket.IO handshake from another origin, on polling and on websocket', async () => {
    const bad = await handshake(h.url, { origin: EVIL });
    expect(bad.status).toBe(403);
    expect(JSON.parse(bad.body)).toMatchObject({ message: 'origin not allowed' });
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
    expect(await wsHandshake(h.url, EVIL)).toBe('400 origin not allowed');
    expect(await wsHandshake(h.url, 'null')).toBe('400 origin not allowed');
  });

  it('admits an allowed origin (CORS headers for polling) and clients that send no Origin', async () => {
    const ok = await handshake(h.url, { origin: APP });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^0\{"sid":/);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(await wsHandshake(h.url, 'http://localhost:5173')).toBe('101');
    const app = await h.connect('origin-user');
    expect(app.connected).toBe(true);
  });

  it('refuses HTTP API calls from another origin with 403 and nothing done', async () => {
    const headers = { origin: EVIL, authorization: `Bearer ${tokenFor('cors-a')}`, 'content-type': 'application/json' };
    const read = await raw(h.url, '/v1/conversations', { headers });
    expect(read.status).toBe(403);
    expect(JSON.parse(read.body)).toMatchObject({ code: 40305, error: 'origin not allowed' });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await raw(h.url, '/v1/groups', {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    const write = await fetch(`${h.url}/v1/groups`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'csrf', memberIds: [] }),
    });
    expect(write.status).toBe(403);
    expect((await h.http('GET', '/v1/groups', 'cors-a')).body).toEqual({ groups: [] });
  });

  it('answers an allowed origin with CORS headers and a preflight', async () => {
    const preflight = await raw(h.url, '/v1/groups', {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': expect.stringContaining('authorization'),
    });
    const read = await raw(h.url, '/v1/conversations', {
      headers: { origin: APP, authorization: `Bearer ${tokenFor('cors-a')}` },
    });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(APP);
    // An allowed origin is still no substitute for a token.
    expect((await raw(h.url, '/v1/conversations', { headers: { origin: APP } })).status).toBe(401);
  });
});

describe('Origin in embedded mode by default (development: any origin)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());

  it('admits any origin', async () => {
    expect((await handshake(h.url, { origin: EVIL })).status).toBe(200);
    const read = await raw(h.url, '/v1/conversations', {
      headers: { origin: EVIL, authorization: `Bearer ${tokenFor('dev')}` },
    });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(EVIL);
  });
});

describe('per-user connection limit (IM_MAX_CONNECTIONS_PER_USER=3)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_MAX_CONNECTIONS_PER_USER: '3' });
  });
  afterAll(() => h.stop());

  it('refuses a fourth socket of one user, not another user, and admits again after one closes', async () => {
    const devices = await Promise.all(['d1', 'd2', 'd3'].map((deviceId) => h.connect('lim-a', { deviceId })));
    expect(await ImTestClient.refused(h.url, tokenFor('lim-a'), { deviceId: 'd4' })).toBe(
      'too many connections for this user (limit 3)',
    );
    expect((await h.connect('lim-b')).connected).toBe(true);
    devices[0]?.close();
    let again: ImTestClient | undefined;
    for (let i = 0; i < 50 && !again; i++) {
      again = await h.connect('lim-a', { deviceId: 'd4' }).catch(() => undefined);
      if (!again) await new Promise((r) => setTimeout(r, 100));
    }
    expect(again?.connected).toBe(true);
    expect(await ImTestClient.refused(h.url, tokenFor('lim-a'), { deviceId: 'd5' })).toContain('too many connections');
  });

  it('admits exactly the limit out of many simultaneous handshakes', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => h.connect('lim-c', { deviceId: `p${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toContain('too many connections');
  });

  it('does not count a login that replaces an older one of the same devType', async () => {
    const first = await h.connect('lim-d', { devType: 1, deviceId: 'phone-old' });
    await h.connect('lim-d', { devType: 2 });
    await h.connect('lim-d', { devType: 3 });
    const replacement = await h.connect('lim-d', { devType: 1, deviceId: 'phone-new' });
    expect(replacement.connected).toBe(true);
    await first.waitFor(() => !first.connected, 5000, 'the replaced socket closed');
  });
});

describe('per-address handshake rate limit (burst 5, 1 per minute)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_HANDSHAKE_BURST_PER_IP: '5', IM_HANDSHAKES_PER_IP_PER_MIN: '1' });
  });
  afterAll(() => h.stop());

  it('refuses handshakes beyond the burst from one address, serves other addresses and open sockets', async () => {
    const polling = await h.connect('ip-a', { transports: ['polling'] });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await handshake(h.url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 403, 403]);
    const refused = await handshake(h.url);
    expect(JSON.parse(refused.body)).toMatchObject({ message: expect.stringContaining('too many handshakes') });
    expect(await ImTestClient.refused(h.url, tokenFor('ip-b'))).toBeTruthy();
    // Another address (all of 127/8 is loopback) has its own budget.
    expect((await handshake(h.url, {}, '127.0.0.2')).status).toBe(200);
    // A socket that is already open keeps working: its polls are not handshakes.
    expect((await polling.send(polling.message('ip-c', 'still polling'))).code).toBe(0);
    expect((await h.http('GET', '/v1/conversations', 'ip-a')).status).toBe(200);
  });
});
