import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { createLogger, loadConfig, signToken } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import { MemoryOnceStore } from '@im/realtime';
import { EmbeddedHarness, TEST_SECRET, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';

const ADMIN = 'admin-secret-for-e2e-only';
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const exp = (): number => Math.floor(Date.now() / 1000) + 600;
const hmac = (alg: 'sha256' | 'sha512', header: object, payload: object, secret: string): string => {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac(alg, secret).update(body).digest('base64url')}`;
};
/** An RS256 token signed by a key of the attacker's: algorithm confusion must not make it pass. */
const rs256 = (payload: object): string => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${body}.${sign('sha256', Buffer.from(body), privateKey).toString('base64url')}`;
};

async function httpWith(
  url: string,
  path: string,
  token: string | undefined,
  method = 'GET',
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('token attacks (embedded): refused at the Socket.IO handshake and on the HTTP API', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());

  const cases: [string, () => string, string][] = [
    ['a missing token', () => '', 'missing token'],
    [
      'a token signed with another secret (forged)',
      () => signToken({ sub: 'eve', exp: exp() }, 'not-the-secret'),
      'bad signature',
    ],
    [
      'a token whose payload was altered after signing',
      () => {
        const [hd, , sig] = tokenFor('eve').split('.');
        return `${hd}.${b64({ sub: 'admin', exp: exp() })}.${sig}`;
      },
      'bad signature',
    ],
    ['an expired token', () => tokenFor('eve', { expInSeconds: -10 }), 'token expired'],
    [
      'an alg:none token',
      () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'eve', exp: exp() })}.`,
      'unsupported token algorithm',
    ],
    [
      'an alg:None token with a signature',
      () => `${b64({ alg: 'None' })}.${b64({ sub: 'eve', exp: exp() })}.${'A'.repeat(43)}`,
      'unsupported token algorithm',
    ],
    [
      'an HS512 token made with the real secret',
      () => hmac('sha512', { alg: 'HS512', typ: 'JWT' }, { sub: 'eve', exp: exp() }, TEST_SECRET),
      'unsupported token algorithm',
    ],
    ['an RS256 token', () => rs256({ sub: 'eve', exp: exp() }), 'unsupported token algorithm'],
    [
      'an HS256 token without a header alg',
      () => hmac('sha256', { typ: 'JWT' }, { sub: 'eve', exp: exp() }, TEST_SECRET),
      'unsupported token algorithm',
    ],
    ['a token that is not a JWT', () => 'hello', 'malformed token'],
  ];

  it.each(cases)('refuses %s on the socket with the reason', async (_name, token, reason) => {
    expect(await ImTestClient.refused(h.url, token(), { version: 4 })).toBe(`unauthorized: ${reason}`);
    expect(await ImTestClient.refused(h.url, token(), { version: 2 })).toContain('unauthorized');
  });

  it.each(cases)('refuses %s on the HTTP API with 401 / 40101 and changes nothing', async (_name, token, reason) => {
    const t = token();
    const read = await httpWith(h.url, '/v1/conversations', t === '' ? undefined : t);
    expect(read).toMatchObject({ status: 401, body: { code: 40101, error: reason } });
    const write = await fetch(`${h.url}/v1/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(t === '' ? {} : { authorization: `Bearer ${t}` }) },
      body: JSON.stringify({ name: 'stolen', memberIds: ['eve'] }),
    });
    expect(write.status).toBe(401);
    expect((await h.http('GET', '/v1/groups', 'eve')).body).toEqual({ groups: [] });
  });

  it('still admits a valid token (the refusals above are not a broken server)', async () => {
    const c = await h.connect('valid-user');
    expect(c.connected).toBe(true);
    expect((await h.http('GET', '/v1/conversations', 'valid-user')).status).toBe(200);
  });
});

describe('revoking a user (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN });
  });
  afterAll(() => h.stop());

  const revoke = (userId: string, token: string | undefined): Promise<{ status: number; body: any }> =>
    httpWith(h.url, `/v1/admin/users/${userId}/revoke`, token, 'POST');

  it('refuses the admin endpoint without the admin token, with a wrong one, or with a user token', async () => {
    expect(await revoke('rv-x', undefined)).toMatchObject({ status: 401, body: { code: 40101 } });
    expect(await revoke('rv-x', 'wrong')).toMatchObject({ status: 401, body: { code: 40101 } });
    expect(await revoke('rv-x', `${ADMIN}x`)).toMatchObject({ status: 401, body: { code: 40101 } });
    expect(await revoke('rv-x', tokenFor('rv-x'))).toMatchObject({ status: 401, body: { code: 40101 } });
    expect(await revoke('bad%20id', ADMIN)).toMatchObject({ status: 400, body: { code: 40008 } });
    // Nothing was revoked by the refused calls.
    const c = await h.connect('rv-x');
    expect(c.connected).toBe(true);
    c.close();
  });

  it('closes every socket of the user, refuses their old tokens, and admits a token issued afterwards', async () => {
    const phone = await h.connect('rv-a', { deviceId: 'phone' });
    const pc = await h.connect('rv-a', { deviceId: 'pc', version: 2 });
    const other = await h.connect('rv-b');
    const oldToken = tokenFor('rv-a');
    expect((await httpWith(h.url, '/v1/conversations', oldToken)).status).toBe(200);

    const res = await revoke('rv-a', ADMIN);
    expect(res).toMatchObject({ status: 200, body: { userId: 'rv-a', revokedAt: expect.any(Number) } });
    for (const c of [phone, pc]) await c.waitFor(() => !c.connected, 5000, 'disconnect after revocation');
    expect(other.connected).toBe(true);

    expect(await ImTestClient.refused(h.url, oldToken)).toBe('unauthorized: token revoked');
    expect(await httpWith(h.url, '/v1/conversations', oldToken)).toMatchObject({
      status: 401,
      body: { code: 40101, error: 'token revoked' },
    });
    // A token without iat cannot prove it came after the revocation.
    const noIat = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'rv-a', exp: exp() })}`;
    const noIatToken = `${noIat}.${createHmac('sha256', TEST_SECRET).update(noIat).digest('base64url')}`;
    expect(await ImTestClient.refused(h.url, noIatToken)).toBe('unauthorized: token revoked');

    // The other user is untouched, and a token issued after the revocation works again.
    expect((await other.send(other.message('rv-c', 'still here'))).code).toBe(0);
    const fresh = signToken({ sub: 'rv-a', exp: exp(), iat: Math.floor(res.body.revokedAt / 1000) + 1 }, TEST_SECRET);
    const back = await ImTestClient.connect(h.url, 'rv-a', fresh);
    expect(back.connected).toBe(true);
    expect((await httpWith(h.url, '/v1/conversations', fresh)).status).toBe(200);
    expect((await back.send(back.message('rv-b', 'back again'))).code).toBe(0);
    await other.waitForMessages(1);
    back.close();
  });

  it('answers 403 when the admin API is disabled', async () => {
    const plain = await EmbeddedHarness.start();
    try {
      expect(await httpWith(plain.url, '/v1/admin/users/u/revoke', 'anything', 'POST')).toMatchObject({
        status: 403,
        body: { code: 40305 },
      });
    } finally {
      await plain.stop();
    }
  });
});

describe('a revocation landing during a handshake (embedded, simulated race)', () => {
  it('closes the socket once it has joined its rooms, even though the handshake check passed', async () => {
    // The first read of the user's revocation (the handshake check) comes just before the revocation.
    const real = new MemoryOnceStore();
    let armed = false;
    let reads = 0;
    const racing = Object.assign(Object.create(real) as MemoryOnceStore, {
      get: (key: string): Promise<string | undefined> =>
        armed && key === 'revoked:race-a' && reads++ === 0 ? Promise.resolve(undefined) : real.get(key),
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'im-race-'));
    const config = loadConfig(EMBEDDED_CONFIG, {
      IM_PORT: '0',
      IM_HOST: '127.0.0.1',
      IM_DATA_DIR: dataDir,
      IM_ACK_TIMEOUT_MS: '1500',
      IM_ADMIN_TOKEN: ADMIN,
    });
    const server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'silent' }), undefined, {
      once: racing,
    });
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const token = tokenFor('race-a');
      expect((await httpWith(url, '/v1/admin/users/race-a/revoke', ADMIN, 'POST')).status).toBe(200);
      armed = true;
      const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
      const events: string[] = [];
      socket.on('ready', () => events.push('ready'));
      socket.on('kicked', () => events.push('kicked'));
      const reason = await new Promise<string>((resolve) => {
        socket.on('disconnect', (r) => resolve(r));
        socket.on('connect_error', (e) => resolve(`connect_error: ${e.message}`));
        setTimeout(() => resolve('still connected after 5 s'), 5000).unref();
      });
      expect(reason).toBe('io server disconnect');
      expect(events).toEqual(['kicked']);
      expect(reads).toBeGreaterThanOrEqual(2);
      socket.close();
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('revocation store unavailable (embedded, failing OnceStore)', () => {
  it('fails closed: the handshake is refused and HTTP answers 503, without a token in the answer', async () => {
    const real = new MemoryOnceStore();
    const broken = Object.assign(Object.create(real) as MemoryOnceStore, {
      get: (): Promise<string | undefined> => Promise.reject(new Error('redis down')),
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'im-broken-'));
    const config = loadConfig(EMBEDDED_CONFIG, {
      IM_PORT: '0',
      IM_HOST: '127.0.0.1',
      IM_DATA_DIR: dataDir,
      IM_ACK_TIMEOUT_MS: '1500',
    });
    const server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'silent' }), undefined, {
      once: broken,
    });
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const token = tokenFor('fc-a');
      expect(await ImTestClient.refused(url, token)).toBe('temporarily unavailable: retry');
      const res = await httpWith(url, '/v1/conversations', token);
      expect(res).toMatchObject({ status: 503, body: { code: 50301 } });
      expect(JSON.stringify(res.body)).not.toContain(token);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
