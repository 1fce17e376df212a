import { InMemoryBus, Topics } from '@im/bus';
import type { BusinessEvent } from '@im/bus';
import { createLogger, IdGenerator, ManualClock } from '@im/common';
import type { Store } from '@im/store';
import type { AddressInfo } from 'node:net';
import fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { GatewaySettings } from '../gateway.config';
import { adminConfigProblems } from '../gateway.config';
import { adminRoutes } from './admin.routes';
import { ServiceCommands } from '../service-commands';
import { UserDirectory } from '../users/user-directory';
import { installErrorHandler } from './http-errors';
import { installRequestValidation } from './request-validation';
import { installRouteAuth } from './route-auth';

const TOKEN = 'admin-token-0123456789abcdef';
const logger = createLogger({ service: 'admin-spec', level: 'silent' });

async function setup(
  adminToken: string | undefined,
  perMinute = 3,
): Promise<{ app: FastifyInstance; bus: InMemoryBus; clock: ManualClock; published: BusinessEvent[] }> {
  const clock = new ManualClock();
  const bus = new InMemoryBus({ logger });
  const published: BusinessEvent[] = [];
  await bus.subscribe(Topics.EVENTS_IN, 'spec', (r) => {
    published.push(r.value);
    return Promise.resolve();
  });
  const app = fastify();
  installErrorHandler(app, logger);
  installRequestValidation(app);
  installRouteAuth(app, { jwtSecret: 'unused-jwt-secret', adminToken }, clock);
  const settings = { adminToken, adminNoticesPerMinute: perMinute } as GatewaySettings;
  adminRoutes(app, {
    store: {} as Store,
    bus,
    commands: new ServiceCommands(bus, logger),
    settings,
    clock,
    ids: new IdGenerator(),
    users: new UserDirectory({} as Store, clock, 0),
    logger,
    auth: () => {
      throw new Error('client auth is not used by the admin API');
    },
    ready: () => Promise.resolve(true),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return { app, bus, clock, published };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** Over real HTTP (fastify's inject needs ESM that jest cannot load here). */
async function post(
  app: FastifyInstance,
  body: unknown,
  token: string | null = TOKEN,
): Promise<{ statusCode: number; json: () => any }> {
  const { port } = app.server.address() as AddressInfo;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
  };
  const res = await fetch(`http://127.0.0.1:${port}/v1/admin/notices`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const parsed: unknown = await res.json();
  return { statusCode: res.status, json: () => parsed };
}

describe('admin notices API', () => {
  it('refuses everything while IM_ADMIN_TOKEN is unset', async () => {
    const { app, published } = await setup(undefined);
    const res = await post(app, { userIds: ['u1'], content: 'hi' }, 'anything');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ name: 'IM_ERR_FORBIDDEN', error: expect.stringMatching(/IM_ADMIN_TOKEN/) });
    expect(published).toHaveLength(0);
  });

  it('refuses a missing or wrong token before reading the body', async () => {
    const { app, published } = await setup(TOKEN);
    expect((await post(app, { userIds: ['u1'], content: 'hi' }, null)).statusCode).toBe(401);
    expect((await post(app, { userIds: ['u1'], content: 'hi' }, '')).statusCode).toBe(401);
    expect((await post(app, { userIds: ['u1'], content: 'hi' }, `${TOKEN}x`)).statusCode).toBe(401);
    expect((await post(app, { nonsense: true }, 'wrong')).statusCode).toBe(401);
    expect(published).toHaveLength(0);
  });

  it('publishes a system notice (68, fromType 3) to im.events.in and answers its event id', async () => {
    const { app, published, clock } = await setup(TOKEN);
    const res = await post(app, { userIds: ['u1', 'u2'], content: 'Maintenance at 23:00', eventId: 'ops-42' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ eventId: 'ops-42' });
    expect(published).toEqual([
      {
        eventId: 'ops-42',
        messageType: 68,
        fromType: 3,
        fromId: 'system',
        fromName: 'System',
        target: { users: ['u1', 'u2'] },
        content: 'Maintenance at 23:00',
        at: clock.now(),
      },
    ]);
    const all = await post(app, { everyoneOnline: true, content: { text: 'Happy new year' } });
    expect(all.statusCode).toBe(202);
    expect(published[1]).toMatchObject({ target: { allOnline: true }, eventId: all.json().eventId });
  });

  it('refuses bad bodies with the reason and publishes nothing', async () => {
    const { app, published } = await setup(TOKEN);
    const bad = [
      { content: 'no target' },
      { userIds: ['u1'], everyoneOnline: true, content: 'both' },
      { userIds: [], content: 'none' },
      { userIds: ['bad id!'], content: 'x' },
      { userIds: ['u1'] },
      { userIds: ['u1'], content: 'x', secret: 1 },
      { everyoneOnline: false, content: 'x' },
      { userIds: ['u1'], content: 42 },
    ];
    for (const body of bad) {
      const res = await post(app, body);
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(res.json()).toMatchObject({ name: 'IM_ERR_BAD_REQUEST', error: expect.any(String) });
    }
    expect((await post(app, { userIds: ['u1'], content: 'x', secret: 1 })).json().error).toBe(
      'body/secret is not a known field',
    );
    expect(published).toHaveLength(0);
  });

  it('accepts at most IM_ADMIN_NOTICES_PER_MINUTE, then 429 until the minute refills', async () => {
    const { app, published, clock } = await setup(TOKEN, 3);
    for (let i = 0; i < 3; i++) expect((await post(app, { userIds: ['u1'], content: `n${i}` })).statusCode).toBe(202);
    const limited = await post(app, { userIds: ['u1'], content: 'too many' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ name: 'IM_ERR_RATE_LIMITED' });
    clock.advance(20_000);
    expect((await post(app, { userIds: ['u1'], content: 'one more' })).statusCode).toBe(202);
    expect((await post(app, { userIds: ['u1'], content: 'again too many' })).statusCode).toBe(429);
    expect(published.map((e) => e.content)).toEqual(['n0', 'n1', 'n2', 'one more']);
  });

  it('refuses an admin token shorter than 16 characters at start', () => {
    expect(adminConfigProblems({ IM_ADMIN_TOKEN: 'short' })).toEqual([
      'IM_ADMIN_TOKEN: must be at least 16 characters',
    ]);
    expect(adminConfigProblems({ IM_ADMIN_TOKEN: TOKEN })).toEqual([]);
    expect(adminConfigProblems({ IM_ADMIN_TOKEN: undefined })).toEqual([]);
  });
});
