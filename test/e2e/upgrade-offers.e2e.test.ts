import { request } from 'node:http';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';

/** A raw HTTP/1.1 request offering h2c, as Java 17's HttpClient and `curl --http2` send on http://. */
function offerH2c(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; httpVersion: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: 'GET',
      headers: {
        Connection: 'Upgrade, HTTP2-Settings',
        Upgrade: 'h2c',
        'HTTP2-Settings': 'AAMAAABkAARAAAAAAAIAAAAA',
        ...headers,
      },
      timeout: 5000,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, httpVersion: res.httpVersion, body }));
    });
    req.on('upgrade', () => reject(new Error('the server switched protocols')));
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end();
  });
}

describe('upgrade offers that are not Socket.IO are answered as HTTP/1.1 (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  it('GET /healthz with Upgrade: h2c gets its ordinary answer', async () => {
    const plain = await h.http('GET', '/healthz', undefined);
    const res = await offerH2c(h.url, '/healthz');
    expect(res.httpVersion).toBe('1.1');
    expect(res.status).toBe(plain.status);
    expect(JSON.parse(res.body)).toEqual(plain.body);
  });

  it('GET /v1/conversations with Upgrade: h2c: authenticated and answered; without a token refused as usual', async () => {
    const res = await offerH2c(h.url, '/v1/conversations', { Authorization: `Bearer ${tokenFor('up-a')}` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual((await h.http('GET', '/v1/conversations', 'up-a')).body);
    expect((await offerH2c(h.url, '/v1/conversations')).status).toBe(401);
  });

  it('Socket.IO websocket upgrades still work (v4 and v2), and so does chat over them', async () => {
    const v4 = await h.connect('up-b');
    const v2 = await h.connect('up-c', { version: 2 });
    expect((await v4.send(v4.message('up-c', 'over ws'))).code).toBe(0);
    await v2.waitForMessages(1);
    expect(v2.ofType(2)[0]?.content).toBe('over ws');
  });
});
