import type { AddressInfo } from 'node:net';
import { createLogger, ManualClock, signToken } from '@im/common';
import fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { installErrorHandler } from './http-errors';
import { claimsOf, installRouteAuth } from './route-auth';

const SECRET = 'route-auth-spec-secret-0123456789';
const ADMIN = 'admin-token-0123456789abcdef';
const logger = createLogger({ service: 'route-auth-spec', level: 'silent' });
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function app(): FastifyInstance {
  const a = fastify();
  installErrorHandler(a, logger);
  installRouteAuth(a, { jwtSecret: SECRET, adminToken: ADMIN }, new ManualClock(1_000_000));
  apps.push(a);
  return a;
}

/** Over real HTTP (fastify's inject needs ESM that jest cannot load here). */
async function get(a: FastifyInstance, path: string, token?: string): Promise<{ status: number; body: unknown }> {
  const { port } = a.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

describe(installRouteAuth.name, () => {
  it('refuses to register a route that does not declare its auth', () => {
    const a = app();
    expect(() => a.get('/v1/undeclared', async () => ({}))).toThrow(/GET \/v1\/undeclared declares no auth/);
    expect(() => a.get('/v1/no-security', { schema: { summary: 'x' } }, async () => ({}))).toThrow(/declares no auth/);
  });

  it('checks each route’s declaration before the handler runs: bearer a client token, admin the admin token, none nothing', async () => {
    const a = app();
    let handled = 0;
    a.get('/user', { schema: { security: 'bearer' } }, async (request) => {
      handled++;
      return { sub: claimsOf(request).sub };
    });
    a.get('/admin', { schema: { security: 'admin' } }, async () => {
      handled++;
      return { ok: true };
    });
    a.get('/public', { schema: { security: 'none' } }, async () => ({ ok: true }));
    await a.listen({ port: 0, host: '127.0.0.1' });
    const jwt = signToken({ sub: 'alice', exp: 2_000 }, SECRET);

    expect(await get(a, '/user', jwt)).toEqual({ status: 200, body: { sub: 'alice' } });
    expect((await get(a, '/user')).status).toBe(401);
    expect((await get(a, '/user', ADMIN)).status).toBe(401);
    expect((await get(a, '/user', signToken({ sub: 'alice', exp: 2_000 }, `${SECRET}x`))).status).toBe(401);
    expect((await get(a, '/user', signToken({ sub: 'alice', exp: 999 }, SECRET))).status).toBe(401);

    expect(await get(a, '/admin', ADMIN)).toEqual({ status: 200, body: { ok: true } });
    expect((await get(a, '/admin', jwt)).status).toBe(401);
    expect((await get(a, '/admin')).status).toBe(401);

    expect(await get(a, '/public')).toEqual({ status: 200, body: { ok: true } });
    expect(handled).toBe(2);
  });

  it('answers 500 when a handler asks for the user of a route not declared bearer', async () => {
    const a = app();
    a.get('/public', { schema: { security: 'none' } }, async (request) => claimsOf(request));
    await a.listen({ port: 0, host: '127.0.0.1' });
    const jwt = signToken({ sub: 'alice', exp: 2_000 }, SECRET);
    expect((await get(a, '/public', jwt)).status).toBe(500);
  });
});
