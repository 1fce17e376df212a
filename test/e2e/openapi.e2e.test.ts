import Ajv2020 from 'ajv/dist/2020';
import { MESSAGE_TYPES } from '@im/protocol';
import sharp from 'sharp';
import { validateApiDocument } from '../support/api-doc-validators';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';

const ADMIN_TOKEN = 'openapi-admin-token-0123456789';

/** The routes fastify knows, from its own route tree (`printRoutes`), HEAD left out. */
function registeredRoutes(tree: string): { url: string; method: string }[] {
  const stack: string[] = [];
  const out: { url: string; method: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[└├]── (.+?) \(([A-Z, ]+)\)$/u.exec(line) ?? /^((?:[│ ] {3})*)[└├]── (.+)$/u.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const url = (stack[depth - 1] ?? '') + (m[2] ?? '');
    stack[depth] = url;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== 'HEAD'))
      out.push({ url, method });
  }
  return out;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

describe('OpenAPI document served by the gateway (embedded)', () => {
  let h: EmbeddedHarness;
  let doc: any;
  beforeAll(async () => {
    h = await EmbeddedHarness.start({
      IM_ADMIN_TOKEN: ADMIN_TOKEN,
      // Any STUN/TURN URLs: the answer's shape is checked here, coturn in ice-servers.e2e.test.ts.
      IM_STUN_URLS: 'stun:127.0.0.1:3478',
      IM_TURN_URLS: 'turn:127.0.0.1:3478',
      IM_TURN_SECRET: 'openapi-test-turn-secret',
    });
    const res = await h.http('GET', '/openapi.json', undefined);
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => h.stop());

  it('lists every /v1 route with its method, and nothing fastify does not serve', () => {
    const routes = registeredRoutes(h.server.gateway.app.printRoutes({ commonPrefix: false }));
    const v1 = routes.filter((r) => r.url.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(30);
    for (const r of v1) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect([r.method, path, doc.paths[path]?.[r.method.toLowerCase()] !== undefined]).toEqual([r.method, path, true]);
    }
    const served = new Set(routes.map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`));
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(item))
        expect(served.has(`${method.toUpperCase()} ${path}`) ? path : `${method} ${path} not served`).toBe(path);
    }
  });

  it("names in the registry's producedBy only routes the server serves (the route that makes each notice)", () => {
    const named = MESSAGE_TYPES.flatMap((t) =>
      t.producedBy.flatMap((p) => {
        const m = /^(GET|POST|PUT|PATCH|DELETE) (\/\S+)/.exec(p.via);
        return m
          ? [{ type: t.type, method: (m[1] ?? '').toLowerCase(), path: (m[2] ?? '').replace(/:(\w+)/g, '{$1}') }]
          : [];
      }),
    );
    expect(named.length).toBeGreaterThan(40);
    for (const r of named)
      expect({ ...r, served: doc.paths[r.path]?.[r.method] !== undefined }).toEqual({ ...r, served: true });
  });

  it('is structurally an OpenAPI 3 document: info, paths, methods, parameters, bodies, responses', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      expect(path).not.toMatch(/:/);
      for (const [method, op] of Object.entries<any>(item)) {
        expect(HTTP_METHODS).toContain(method);
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
        // Every templated segment is a required path parameter, and every path parameter is in the template.
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path');
        expect(declared.map((p: any) => p.name).sort()).toEqual(templated);
        for (const p of op.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
          expect(typeof p.schema).toBe('object');
          if (p.in === 'path') expect(p.required).toBe(true);
        }
        if (op.requestBody !== undefined) {
          // JSON, or raw bytes (an upload's PUT)
          const media =
            op.requestBody.content['application/json'] ?? op.requestBody.content['application/octet-stream'];
          expect(typeof media.schema).toBe('object');
        }
        const statuses = Object.keys(op.responses);
        expect(statuses.length).toBeGreaterThan(0);
        for (const status of statuses) {
          expect(status).toMatch(/^(default|[1-5](XX|\d\d))$/);
          expect(typeof op.responses[status].description).toBe('string');
        }
        for (const requirement of op.security ?? [])
          for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(name);
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/([^"]+)"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split('/').pop()?.replace('"', '') ?? '');
  });

  it('carries the routes’ own schemas and the error registry', () => {
    const expiry = doc.paths['/v1/groups/{groupId}/expiry'].put;
    expect(expiry.requestBody.content['application/json'].schema).toMatchObject({
      required: ['expiresAt'],
      properties: { expiresAt: { type: 'integer' } },
    });
    expect(expiry.parameters[0]).toMatchObject({ name: 'groupId', in: 'path', schema: { type: 'string' } });
    expect(expiry.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/groups'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'memberIds',
    ]);
    expect(doc.components.schemas.Error.properties.name.enum).toContain('IM_ERR_GROUP_EXPIRED');
    expect(doc.paths['/openapi.json'].get.security).toBeUndefined();
    expect(doc.paths['/v1/admin/notices'].post.security).toEqual([{ admin: [] }]);
  });

  it('is valid OpenAPI 3.1 by a real validator (@apidevtools/swagger-parser)', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(await validateApiDocument('openapi', doc)).toEqual({ ok: true });
  });

  it('gives every operation a summary and a success response with its schema; optional bodies are not required', () => {
    let bodies = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, typeof op.summary === 'string' && op.summary.length > 5 && op.summary !== where]).toEqual([
          where,
          true,
        ]);
        const success = Object.keys(op.responses).filter((s) => /^[23]/.test(s));
        expect([where, success.length > 0 && !success.includes('2XX')]).toEqual([where, true]);
        for (const status of success) {
          const content = op.responses[status].content;
          // A body-less answer (204, a redirect) has no content; every other one names its schema.
          if (status === '204' || status.startsWith('3')) expect([where, content]).toEqual([where, undefined]);
          else
            expect([where, status, typeof Object.values<any>(content ?? {})[0]?.schema]).toEqual([
              where,
              status,
              'object',
            ]);
        }
        expect(op.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
        if (op.requestBody?.content['application/json'] !== undefined) {
          bodies++;
          const schema = op.requestBody.content['application/json'].schema;
          expect([where, op.requestBody.required]).toEqual([where, (schema.required ?? []).length > 0]);
        }
      }
    }
    expect(bodies).toBeGreaterThan(15);
    expect(doc.paths['/v1/red-packets/{id}/open'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v1/groups'].post.requestBody.required).toBe(true);
  });

  it('documents what the server really answers: real responses match their operation’s schema', async () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    const operationOf = (method: string, path: string): any => {
      const bare = path.split('?')[0] ?? '';
      for (const [template, item] of Object.entries<Record<string, any>>(doc.paths)) {
        const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        if (re.test(bare) && item[method.toLowerCase()]) return item[method.toLowerCase()];
      }
      throw new Error(`${method} ${path} is not in the document`);
    };
    const checked: string[] = [];
    const call = async (
      method: string,
      path: string,
      user: string | undefined,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<any> => {
      const res = await fetch(`${h.url}${path}`, {
        method,
        headers: {
          ...(user ? { authorization: `Bearer ${tokenOf(user)}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        redirect: 'manual',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const op = operationOf(method, path);
      const where = `${method} ${path} → ${res.status} ${text.slice(0, 300)}`;
      const declared = op.responses[String(res.status)] ?? (res.status >= 400 ? op.responses.default : undefined);
      expect([where, declared !== undefined]).toEqual([where, true]);
      const media = Object.keys(declared.content ?? {})[0];
      if (media === undefined) expect([where, text]).toEqual([where, '']);
      else if (media === 'application/json') {
        const schema = JSON.parse(
          JSON.stringify(declared.content[media].schema).replaceAll('"#/components/schemas/', '"#/$defs/'),
        );
        const validate = ajv.compile({ ...schema, $defs: doc.components.schemas });
        const ok = validate(JSON.parse(text));
        expect([where, ok ? [] : validate.errors]).toEqual([where, []]);
      } else expect([where, res.headers.get('content-type') ?? '']).toEqual([where, expect.stringContaining(media)]);
      checked.push(
        `${method} ${Object.entries<Record<string, unknown>>(doc.paths).find(([, item]) => item[method.toLowerCase()] === op)?.[0] ?? path}`,
      );
      return text && media === 'application/json' ? JSON.parse(text) : text;
    };
    const tokenOf = (user: string): string => (user === 'admin' ? ADMIN_TOKEN : tokenFor(user));
    const admin = 'admin';

    await call('GET', '/healthz', undefined);
    await call('GET', '/readyz', undefined);
    await call('GET', '/metrics', undefined);
    await call('GET', '/openapi.json', undefined);
    await call('GET', '/docs', undefined);
    await call('GET', '/console', undefined);
    await call('GET', '/console/api/info', undefined);
    await call('GET', '/console/api/protocol.json', undefined);
    await call('GET', '/console/api/ops', admin);
    await call('POST', '/console/api/dev-token', undefined, { userId: 'oa-alice' });
    await call('POST', '/console/api/dev-topup', 'oa-alice', { amount: 50_000 });
    await call('POST', '/v1/admin/wallet/topup', admin, { userId: 'oa-alice', amount: 10_000, idempotencyKey: 'oa-1' });
    await call('POST', '/v1/admin/wallet/withdraw', admin, { userId: 'oa-alice', amount: 1, idempotencyKey: 'oa-2' });
    await call('GET', '/v1/wallet', 'oa-alice');
    await call('POST', '/v1/admin/notices', admin, { userIds: ['oa-bob'], content: { text: 'hello' } });
    await call('POST', '/v1/admin/users/oa-nobody/revoke', admin);

    // Friends and the profile.
    await call('POST', '/v1/friends/requests', 'oa-alice', { toUserId: 'oa-bob', message: 'hi' });
    await call('GET', '/v1/friends/requests', 'oa-bob');
    await call('POST', '/v1/friends/requests/oa-alice/accept', 'oa-bob');
    await call('POST', '/v1/friends/requests', 'oa-carol', { toUserId: 'oa-bob' });
    await call('POST', '/v1/friends/requests/oa-carol/refuse', 'oa-bob');
    await call('GET', '/v1/friends', 'oa-alice');
    await call('PUT', '/v1/profile', 'oa-alice', { name: 'Alice' });
    await call('GET', '/v1/users/search?q=Ali', 'oa-bob');
    await call('GET', '/v1/users?ids=oa-alice,oa-bob', 'oa-bob');
    await call('GET', '/v1/users/oa-alice', 'oa-bob');
    await call('PUT', '/v1/admin/users/oa-mallory/ban', admin, { reason: 'spam' });
    await call('DELETE', '/v1/admin/users/oa-mallory/ban', admin);
    // Uploads: a file through every step, then an image (raw PNG bytes, so not through `call`) for its thumbnail.
    const file = await call('POST', '/v1/uploads', 'oa-alice', {
      kind: 'file',
      contentType: 'application/octet-stream',
      size: 7,
      fileName: 'notes.bin',
    });
    await call('PUT', file.upload.url.slice(h.url.length), undefined, 'hello', file.upload.headers);
    await call('POST', `/v1/uploads/file/${file.uploadId}/complete`, 'oa-alice');
    await call('GET', `/v1/media/file/${file.uploadId}`, undefined);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const image = await call('POST', '/v1/uploads', 'oa-alice', {
      kind: 'image',
      contentType: 'image/png',
      size: png.length,
    });
    expect((await fetch(image.upload.url, { method: 'PUT', headers: image.upload.headers, body: png })).status).toBe(
      204,
    );
    await call('POST', `/v1/uploads/image/${image.uploadId}/complete`, 'oa-alice');
    await call('GET', `/v1/media/image/${image.uploadId}/thumbnail`, undefined);
    await call('PUT', '/v1/blacklist/oa-dave', 'oa-alice');
    await call('GET', '/v1/blacklist', 'oa-alice');
    await call('DELETE', '/v1/blacklist/oa-dave', 'oa-alice');
    await call('GET', '/v1/calls/ice-servers', 'oa-alice');
    await call('PUT', '/v1/devices/phone/push', 'oa-alice', { platform: 'apns', token: 'a1b2c3d4e5f60718' });
    await call('PUT', '/v1/push/mute', 'oa-alice', { muted: true });
    await call('GET', '/v1/push', 'oa-alice');
    await call('DELETE', '/v1/devices/phone/push', 'oa-alice');

    // Groups.
    const { groupId } = await call('POST', '/v1/groups', 'oa-alice', {
      name: 'docs',
      memberIds: ['oa-bob'],
      joinPolicy: 'approval',
    });
    await call('GET', '/v1/groups', 'oa-alice');
    await call('GET', `/v1/groups/${groupId}`, 'oa-alice');
    await call('PATCH', `/v1/groups/${groupId}`, 'oa-alice', { announcement: 'read me' });
    await call('POST', `/v1/groups/${groupId}/members`, 'oa-alice', { userIds: ['oa-carol'] });
    await call('POST', `/v1/groups/${groupId}/applications`, 'oa-erin', { message: 'me too' });
    await call('GET', `/v1/groups/${groupId}/applications`, 'oa-alice');
    await call('POST', `/v1/groups/${groupId}/applications/oa-erin/approve`, 'oa-alice');
    await call('PUT', `/v1/groups/${groupId}/admins/oa-bob`, 'oa-alice');
    await call('PUT', `/v1/groups/${groupId}/members/oa-carol/mute`, 'oa-alice', { minutes: 5 });
    await call('GET', `/v1/groups/${groupId}/members`, 'oa-alice');
    await call('DELETE', `/v1/groups/${groupId}/members/oa-carol/mute`, 'oa-alice');
    await call('PUT', `/v1/groups/${groupId}/members/me/remark`, 'oa-bob', { remark: 'B' });
    await call('PUT', `/v1/groups/${groupId}/expiry`, 'oa-alice', { expiresAt: Date.now() + 86_400_000 * 3 });
    await call('DELETE', `/v1/groups/${groupId}/expiry`, 'oa-alice');
    await call('PUT', `/v1/groups/${groupId}/mute`, 'oa-alice');
    await call('DELETE', `/v1/groups/${groupId}/mute`, 'oa-alice');
    await call('DELETE', `/v1/groups/${groupId}/members/oa-erin`, 'oa-alice');
    await call('DELETE', `/v1/groups/${groupId}/members/me`, 'oa-carol');

    // Messages, history and conversations.
    const alice = await h.connect('oa-alice');
    await alice.sendReady();
    for (const text of ['one', 'two', 'three']) expect((await alice.send(alice.message('oa-bob', text))).code).toBe(0);
    await call('GET', '/v1/conversations', 'oa-alice');
    await call('PUT', '/v1/conversations/mute', 'oa-alice', { peerId: 'oa-bob', muted: true });
    const newest = await call('GET', '/v1/messages?peerId=oa-bob&limit=2', 'oa-alice');
    expect(newest.messages).toHaveLength(2);
    await call('GET', '/v1/messages?peerId=oa-bob&afterSeq=0&limit=2', 'oa-alice');
    await call('GET', `/v1/messages?groupId=${groupId}`, 'oa-bob');

    // Money.
    const packet = await call('POST', '/v1/red-packets', 'oa-alice', {
      to: { type: 'group', id: groupId },
      kind: 'equal',
      total: 200,
      count: 2,
      requestId: 'oa-rp',
    });
    await call('POST', `/v1/red-packets/${packet.packetId}/open`, 'oa-bob');
    await call('GET', `/v1/red-packets/${packet.packetId}`, 'oa-alice');
    const sent = await call('POST', '/v1/transfers', 'oa-alice', {
      toUserId: 'oa-bob',
      amount: 100,
      requestId: 'oa-t1',
    });
    await call('POST', `/v1/transfers/${sent.transferId}/accept`, 'oa-bob');
    const back = await call('POST', '/v1/transfers', 'oa-alice', {
      toUserId: 'oa-bob',
      amount: 100,
      requestId: 'oa-t2',
    });
    await call('POST', `/v1/transfers/${back.transferId}/return`, 'oa-bob');
    await call('GET', `/v1/transfers/${sent.transferId}`, 'oa-alice');
    const aa = await call('POST', '/v1/collections', 'oa-bob', {
      to: { type: 'group', id: groupId },
      amount: 100,
      count: 2,
      requestId: 'oa-c1',
    });
    await call('POST', `/v1/collections/${aa.collectionId}/pay`, 'oa-alice', { requestId: 'oa-p1' });
    await call('GET', `/v1/collections/${aa.collectionId}`, 'oa-bob');
    await call('POST', '/v1/payment-requests', 'oa-bob', { toUserId: 'oa-alice', amount: 100, requestId: 'oa-r1' });

    // Ownership, then the end of the group and the friendship.
    await call('POST', `/v1/groups/${groupId}/owner/offer`, 'oa-alice', { userId: 'oa-bob' });
    await call('POST', `/v1/groups/${groupId}/owner/refuse`, 'oa-bob');
    await call('POST', `/v1/groups/${groupId}/owner/offer`, 'oa-alice', { userId: 'oa-bob' });
    await call('POST', `/v1/groups/${groupId}/owner/accept`, 'oa-bob');
    await call('DELETE', `/v1/groups/${groupId}/admins/oa-alice`, 'oa-bob');
    await call('POST', `/v1/groups/${groupId}/applications`, 'oa-frank');
    await call('POST', `/v1/groups/${groupId}/applications/oa-frank/refuse`, 'oa-bob');
    await call('DELETE', `/v1/groups/${groupId}`, 'oa-bob');
    await call('DELETE', '/v1/friends/oa-bob', 'oa-alice');
    // Errors have the registry's shape too.
    await call('GET', '/v1/groups/no-such-group', 'oa-alice');
    await call('POST', '/v1/groups', 'oa-alice', { nmae: 'x' });

    // Every documented /v1 operation was called at least once above.
    const called = new Set(checked);
    const v1 = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) =>
      path.startsWith('/v1/') ? Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`) : [],
    );
    expect(v1.filter((op) => !called.has(op))).toEqual([]);
  }, 60_000);
});
