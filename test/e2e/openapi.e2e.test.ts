import { EmbeddedHarness } from '../support/embedded-harness';

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
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'HEAD')) out.push({ url, method });
  }
  return out;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

describe('OpenAPI document served by the gateway (embedded)', () => {
  let h: EmbeddedHarness;
  let doc: any;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
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
      for (const method of Object.keys(item)) expect(served.has(`${method.toUpperCase()} ${path}`) ? path : `${method} ${path} not served`).toBe(path);
    }
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
        if (op.requestBody !== undefined) expect(typeof op.requestBody.content['application/json'].schema).toBe('object');
        const statuses = Object.keys(op.responses);
        expect(statuses.length).toBeGreaterThan(0);
        for (const status of statuses) {
          expect(status).toMatch(/^(default|[1-5](XX|\d\d))$/);
          expect(typeof op.responses[status].description).toBe('string');
        }
        for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(name);
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/([^"]+)"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split('/').pop()?.replace('"', '') ?? '');
  });

  it('carries the routes’ own schemas and the error registry', () => {
    const expiry = doc.paths['/v1/groups/{groupId}/expiry'].put;
    expect(expiry.requestBody.content['application/json'].schema).toMatchObject({ required: ['expiresAt'], properties: { expiresAt: { type: 'integer' } } });
    expect(expiry.parameters[0]).toMatchObject({ name: 'groupId', in: 'path', schema: { type: 'string' } });
    expect(expiry.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/groups'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'memberIds']);
    expect(doc.components.schemas.Error.properties.name.enum).toContain('IM_ERR_GROUP_EXPIRED');
    expect(doc.paths['/openapi.json'].get.security).toBeUndefined();
  });
});
