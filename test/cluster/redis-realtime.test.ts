// The Redis implementations of the realtime ports against a real Redis 7: the contract suites
// every implementation passes, plus what only the cluster shows (sharded routing, reconnects,
// expiry of a crashed gateway's sessions, the Socket.IO sharded adapter) and a throughput figure.
//   bash test/infra/infra.sh up redis
//   IM_TEST_NO_INFRA=1 IM_TEST_REDIS_URL=redis://127.0.0.1:6390 npx jest test/cluster/redis-realtime.test.ts
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';
import { createLogger } from '@im/common';
import type { Logger } from '@im/common';
import { createSocketIoRedisAdapter, RedisDeliveryPort, RedisOnceStore, RedisPresence } from '@im/realtime';
import type { Delivery, DeviceSession, SocketIoRedisAdapter } from '@im/realtime';
import { deliveryContract, onceStoreContract, presenceContract } from '@im/realtime/testing';

const REDIS_URL = process.env.IM_TEST_REDIS_URL;
if (!REDIS_URL) {
  throw new Error(
    'IM_TEST_REDIS_URL is not set: these tests need a real Redis 7. Start the servers with: bash test/infra/infra.sh up all',
  );
}
const url: string = REDIS_URL;

/** Everything this run writes lives under its own prefix, so runs never collide. */
const RUN = randomUUID().slice(0, 8);
const prefix = `im:test:${RUN}:`;
const silent: Logger = createLogger({ service: 'test', level: 'silent' });
const portOptions = (name: string, logger: Logger = silent) => ({ prefix, logger, name: `im-test-${RUN}-${name}` });

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const live = (n: number): Delivery => ({
  kind: 'live',
  message: {
    msgId: `m${n}`,
    fromId: 'x',
    destId: 'y',
    fromType: 1,
    fromName: '',
    imageIconUrl: '',
    content: String(n),
    messageType: 33,
  },
});
const contentOf = (d: Delivery): string => (d.kind === 'live' ? String(d.message.content) : '');

let admin: Redis;
beforeAll(() => {
  admin = new Redis(url, { connectionName: `im-test-${RUN}-admin` });
});
afterAll(async () => {
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

async function shardSubscribers(channel: string): Promise<number> {
  const reply = (await admin.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

/** The id of the connection with this CLIENT SETNAME, or undefined. */
async function clientIdNamed(name: string): Promise<string | undefined> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  return line ? /^id=(\d+)/.exec(line)?.[1] : undefined;
}

// ---------------------------------------------------------------- contracts

deliveryContract('RedisDeliveryPort (two gateways)', async () => {
  // Where users are, as presence would say (the lookup itself is RedisPresence.gatewaysOf, tested below).
  const placed = new Map<string, string[]>();
  const locate = (userIds: readonly string[]) =>
    Promise.resolve(new Map(userIds.flatMap((u) => (placed.has(u) ? [[u, placed.get(u) ?? []] as const] : []))));
  const a = await RedisDeliveryPort.connect(url, { ...portOptions('contract-a'), locate });
  const b = await RedisDeliveryPort.connect(url, { ...portOptions('contract-b'), locate });
  return {
    a,
    b,
    place: (u: string, gatewayId: string | undefined) =>
      gatewayId === undefined ? placed.delete(u) : placed.set(u, [gatewayId]),
    close: async () => void (await Promise.all([a.close(), b.close()])),
  };
});
presenceContract('RedisPresence', () => RedisPresence.connect(url, portOptions('contract-presence')));
onceStoreContract('RedisOnceStore', () => RedisOnceStore.connect(url, portOptions('contract-once')));

// ---------------------------------------------------------------- delivery

describe('RedisDeliveryPort on Redis sharded pub/sub', () => {
  const logLines: string[] = [];
  const capturing = createLogger({
    service: 'test',
    level: 'warn',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  let gateway: RedisDeliveryPort;
  let idle: RedisDeliveryPort;
  let service: RedisDeliveryPort;
  const got: [string, Delivery][] = [];
  beforeAll(async () => {
    gateway = await RedisDeliveryPort.connect(url, portOptions('gateway', capturing));
    idle = await RedisDeliveryPort.connect(url, portOptions('idle'));
    service = await RedisDeliveryPort.connect(url, portOptions('service'));
    gateway.onDelivery((u, d) => got.push([u, d]));
    idle.onDelivery(() => {
      throw new Error('the idle port listens for nobody');
    });
  });
  afterAll(async () => {
    await Promise.all([gateway.close(), idle.close(), service.close()]);
  });
  beforeEach(() => {
    got.length = 0;
    logLines.length = 0;
  });

  it('fails with the reason when Redis cannot be reached', async () => {
    await expect(RedisDeliveryPort.connect('redis://127.0.0.1:1', portOptions('unreachable'))).rejects.toThrow(
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });

  it('resolves listen once Redis has confirmed the subscription', async () => {
    const u = `u${randomUUID()}`;
    await gateway.listen(u);
    expect(await shardSubscribers(gateway.channelOf(u))).toBe(1);
    await gateway.unlisten(u);
    expect(await shardSubscribers(gateway.channelOf(u))).toBe(0);
  });

  it('sends a delivery only to the connection that listens for the user: a port listening for nobody receives nothing', async () => {
    const u = `u${randomUUID()}`;
    await gateway.listen(u);
    const before = { gateway: gateway.stats().received, idle: idle.stats().received };
    for (let i = 0; i < 100; i++) await service.send([u], live(i));
    await waitFor(() => got.length === 100, '100 deliveries');
    await sleep(100);
    expect(gateway.stats().received - before.gateway).toBe(100);
    expect(idle.stats()).toEqual({ received: before.idle, dropped: 0, listening: 0 });
    expect(idle.stats().received).toBe(0);
    expect(await shardSubscribers(gateway.channelOf(u))).toBe(1);
    await gateway.unlisten(u);
  });

  it('keeps each user’s order when many multi-user sends are in flight (pipelined SPUBLISH)', async () => {
    const users = [`u${randomUUID()}`, `u${randomUUID()}`, `u${randomUUID()}`];
    await Promise.all(users.map((u) => gateway.listen(u)));
    await Promise.all(Array.from({ length: 300 }, (_, i) => service.send([...users, users[0] ?? ''], live(i))));
    await waitFor(() => got.length === 900, '900 deliveries');
    for (const u of users) {
      expect(got.filter(([x]) => x === u).map(([, d]) => contentOf(d))).toEqual(
        Array.from({ length: 300 }, (_, i) => String(i)),
      );
    }
    await Promise.all(users.map((u) => gateway.unlisten(u)));
  });

  it('logs and drops a malformed payload, and a handler that throws, then goes on', async () => {
    const u = `u${randomUUID()}`;
    await gateway.listen(u);
    const channel = gateway.channelOf(u);
    const dropped = gateway.stats().dropped;
    await admin.spublish(channel, 'not json {');
    await admin.spublish(channel, JSON.stringify({ kind: 'teleport', message: {} }));
    await admin.spublish(channel, JSON.stringify({ kind: 'live' }));
    await service.send([u], live(1));
    await waitFor(() => got.length === 1, 'the valid delivery');
    expect(gateway.stats().dropped - dropped).toBe(3);
    expect(logLines.filter((l) => l.includes('malformed delivery dropped'))).toHaveLength(3);
    expect(logLines.join('')).toContain(channel);

    const throwing = await RedisDeliveryPort.connect(url, portOptions('throwing', capturing));
    let calls = 0;
    throwing.onDelivery(() => {
      calls += 1;
      throw new Error('handler bug');
    });
    await throwing.listen(u);
    await service.send([u], live(2));
    await service.send([u], live(3));
    await waitFor(() => calls === 2 && got.length === 3, 'both ports');
    expect(throwing.stats().dropped).toBe(2);
    expect(logLines.filter((l) => l.includes('delivery handler threw'))).toHaveLength(2);
    await throwing.close();
    await gateway.unlisten(u);
  });

  it('routes a batch by gateway: one message per receiving gateway; a user presence does not place (connected after the lookup) gets it by user channel', async () => {
    const presence = await RedisPresence.connect(url, portOptions('route-presence'));
    const gwId = `gw-${randomUUID()}`;
    const options = portOptions(`route-${randomUUID().slice(0, 4)}`, capturing);
    const gw = await RedisDeliveryPort.connect(url, options);
    await gw.serveGateway(gwId);
    const users = Array.from({ length: 100 }, (_, i) => `route${i}-${randomUUID()}`);
    const late = `late-${randomUUID()}`;
    const seen = new Map<string, string[]>();
    gw.onDelivery((u, d) => seen.set(u, [...(seen.get(u) ?? []), contentOf(d)]));
    // The gateway's lease, and its users' sessions, as a gateway records them.
    await presence.refresh(gwId, []);
    for (const u of users) {
      await gw.listen(u);
      await presence.add({ userId: u, deviceId: 'd1', socketId: `s-${u}`, gatewayId: gwId, connectedAt: Date.now() });
    }
    // `late` connects between the lookup and the publish: listened, not in the lookup's answer.
    const sender = await RedisDeliveryPort.connect(url, {
      ...portOptions('route-sender'),
      locate: async (userIds) => {
        const located = await presence.gatewaysOf(userIds);
        await gw.listen(late);
        return located;
      },
    });
    const before = gw.stats().received;
    const deliveries = [0, 1, 2, 3, 4].map((n) => ({ userIds: [...users, late], delivery: live(n) }));
    await sender.sendMany(deliveries);
    await waitFor(() => [...seen.values()].reduce((n, l) => n + l.length, 0) === 5 * 101, 'every delivery');
    // One message for the gateway's 100 users, and the late user's five by user channel.
    expect(gw.stats().received - before).toBe(1 + 5);
    for (const u of [...users, late]) expect(seen.get(u)).toEqual(['0', '1', '2', '3', '4']);

    await admin.spublish(gw.gatewayChannelOf(gwId), '{"u":[["x"]],"d":[[3,{}]]}');
    await waitFor(() => gw.stats().dropped === 1, 'the malformed batch dropped');
    expect(logLines.filter((l) => l.includes('malformed delivery batch dropped'))).toHaveLength(1);
    await Promise.all([gw.close(), sender.close(), presence.close()]);
  });

  it('re-subscribes its sharded channels after the subscriber connection is lost', async () => {
    const options = portOptions(`reconnect-${randomUUID().slice(0, 4)}`);
    const port = await RedisDeliveryPort.connect(url, options);
    const seen: string[] = [];
    port.onDelivery((_, d) => seen.push(contentOf(d)));
    const [u1, u2] = [`u${randomUUID()}`, `u${randomUUID()}`];
    await port.listen(u1);
    await port.listen(u2);
    const subName = `${options.name}:sub`;
    const oldId = await clientIdNamed(subName);
    expect(oldId).toBeDefined();
    await admin.call('CLIENT', 'KILL', 'ID', oldId ?? '');
    await waitFor(async () => {
      const id = await clientIdNamed(subName);
      return (
        id !== undefined &&
        id !== oldId &&
        (await shardSubscribers(port.channelOf(u1))) === 1 &&
        (await shardSubscribers(port.channelOf(u2))) === 1
      );
    }, 're-subscription after reconnect');
    await service.send([u1, u2], live(7));
    await waitFor(() => seen.length === 2, 'deliveries after reconnect');
    await port.unlisten(u2);
    await service.send([u1, u2], live(8));
    await waitFor(() => seen.length === 3, 'delivery to the user still listened');
    await sleep(100);
    expect(seen).toEqual(['7', '7', '8']);
    await port.close();
  });

  it('carries 50,000 deliveries to 1,000 users on 2 gateways, in order per user (throughput)', async () => {
    const [g1, g2] = await Promise.all([
      RedisDeliveryPort.connect(url, portOptions('bench-1')),
      RedisDeliveryPort.connect(url, portOptions('bench-2')),
    ]);
    const users = Array.from({ length: 1000 }, (_, i) => `bench${i}-${randomUUID()}`);
    const lastSeen = new Map<string, number>();
    let received = 0;
    let outOfOrder = 0;
    const onDelivery = (u: string, d: Delivery): void => {
      const n = Number(contentOf(d));
      if (n !== (lastSeen.get(u) ?? -1) + 1) outOfOrder += 1;
      lastSeen.set(u, n);
      received += 1;
    };
    g1.onDelivery(onDelivery);
    g2.onDelivery(onDelivery);
    await Promise.all(users.map((u, i) => (i % 2 === 0 ? g1 : g2).listen(u)));
    const rounds = 50;

    // 1. one user per send, as the message service sends a 1:1 message
    let start = process.hrtime.bigint();
    for (let round = 0; round < rounds; round++) await Promise.all(users.map((u) => service.send([u], live(round))));
    await waitFor(() => received === rounds * users.length, 'all single-user deliveries', 60_000);
    const singleMs = Number(process.hrtime.bigint() - start) / 1e6;

    // 2. one send per round to all 1,000 users (a pipeline of 1,000 SPUBLISH), as a group message
    lastSeen.clear();
    received = 0;
    start = process.hrtime.bigint();
    for (let round = 0; round < rounds; round++) await service.send(users, live(round));
    await waitFor(() => received === rounds * users.length, 'all group deliveries', 60_000);
    const groupMs = Number(process.hrtime.bigint() - start) / 1e6;

    // 3. the same by gateway: a batch of 10 rounds per sendMany, one message per gateway
    await Promise.all([g1.serveGateway('bench-gw-1'), g2.serveGateway('bench-gw-2')]);
    const placed = new Map(users.map((u, i) => [u, [i % 2 === 0 ? 'bench-gw-1' : 'bench-gw-2']]));
    const router = await RedisDeliveryPort.connect(url, {
      ...portOptions('bench-router'),
      locate: (userIds) => Promise.resolve(new Map(userIds.map((u) => [u, placed.get(u) ?? []]))),
    });
    lastSeen.clear();
    received = 0;
    start = process.hrtime.bigint();
    for (let round = 0; round < rounds; round += 10)
      await router.sendMany(Array.from({ length: 10 }, (_, i) => ({ userIds: users, delivery: live(round + i) })));
    await waitFor(() => received === rounds * users.length, 'all deliveries by gateway', 60_000);
    const routedMs = Number(process.hrtime.bigint() - start) / 1e6;

    expect(outOfOrder).toBe(0);
    const rate = (ms: number): string => `${Math.round((rounds * users.length) / (ms / 1000)).toLocaleString('en')}/s`;
    console.log(
      `SPUBLISH throughput, ${rounds * users.length} deliveries to ${users.length} users on 2 gateways: ` +
        `single-user sends ${singleMs.toFixed(0)} ms (${rate(singleMs)}); 1,000-user sends ${groupMs.toFixed(0)} ms (${rate(groupMs)}); ` +
        `by gateway, 10 per sendMany ${routedMs.toFixed(0)} ms (${rate(routedMs)})`,
    );
    await Promise.all([g1.close(), g2.close(), router.close()]);
  }, 120_000);
});

// ---------------------------------------------------------------- presence

describe('RedisPresence with gateway liveness', () => {
  const ttlMs = 400;
  let presence: RedisPresence;
  beforeAll(async () => {
    presence = await RedisPresence.connect(url, { ...portOptions('presence'), ttlMs });
  });
  afterAll(() => presence.close());
  const session = (userId: string, gatewayId: string, socketId = `s${randomUUID()}`): DeviceSession => ({
    userId,
    deviceId: `d-${socketId}`,
    socketId,
    gatewayId,
    devType: 1,
    connectedAt: Date.now(),
  });
  const hashOf = (u: string): string => `${prefix}presence:{${u}}`;

  it('forgets the users of a gateway that stopped refreshing, and keeps those of one that refreshes', async () => {
    const [dead, alive] = [`gw-dead-${randomUUID()}`, `gw-alive-${randomUUID()}`];
    const [u1, u2, u3] = [`u${randomUUID()}`, `u${randomUUID()}`, `u${randomUUID()}`];
    const onAlive = [session(u2, alive), session(u3, alive)];
    const u3OnDead = session(u3, dead);
    await presence.add(session(u1, dead));
    for (const s of onAlive) await presence.add(s);
    await presence.add(u3OnDead);
    expect(await presence.onlineAmong([u1, u2, u3])).toEqual(new Set([u1, u2, u3]));

    const timer = setInterval(() => void presence.refresh(alive, onAlive), ttlMs / 3);
    try {
      await sleep(ttlMs * 3);
      expect(await presence.onlineAmong([u1, u2, u3])).toEqual(new Set([u2, u3]));
      expect(await presence.sessionsOf(u1)).toEqual([]);
      expect(await presence.sessionsOf(u3)).toEqual([onAlive[1]]);
      expect(await admin.exists(hashOf(u1))).toBe(0);
      expect(await admin.hexists(hashOf(u3), u3OnDead.socketId)).toBe(0);

      expect(await presence.add(session(u1, alive))).toEqual({ firstForUser: true });
      expect(await presence.remove({ userId: u3, socketId: u3OnDead.socketId })).toEqual({ lastForUser: false });
      expect(await presence.remove({ userId: u3, socketId: onAlive[1]?.socketId ?? '' })).toEqual({
        lastForUser: true,
      });
    } finally {
      clearInterval(timer);
    }
  });

  it('lists a gateway whose lease lapsed with the users of its last refresh, until forgotten', async () => {
    const [dead, alive] = [`gw-dead-${randomUUID()}`, `gw-alive-${randomUUID()}`];
    const [u1, u2, u3] = [`u${randomUUID()}`, `u${randomUUID()}`, `u${randomUUID()}`];
    const mine = async (): Promise<{ gatewayId: string; userIds: string[] }[]> =>
      (await presence.deadGateways()).filter((g) => g.gatewayId === dead || g.gatewayId === alive);
    const s1 = session(u1, dead);
    await presence.add(s1);
    await presence.add(session(u2, dead));
    await presence.add(session(u3, alive));
    // u2 left before the dead gateway's last refresh: not among its users any more.
    await presence.refresh(dead, [s1]);
    expect(await mine()).toEqual([]);
    const timer = setInterval(() => void presence.refresh(alive, [session(u3, alive)]), ttlMs / 3);
    try {
      await sleep(ttlMs * 3);
      expect(await mine()).toEqual([{ gatewayId: dead, userIds: [u1] }]);
      expect(await presence.sessionsOf(u1)).toEqual([]);
      await presence.forgetGateway(dead);
      expect(await mine()).toEqual([]);
    } finally {
      clearInterval(timer);
    }
  });

  it('lets the user hash expire with its gateways, so nothing is left behind', async () => {
    const u = `u${randomUUID()}`;
    await presence.add(session(u, `gw-${randomUUID()}`));
    const pttl = await admin.pttl(hashOf(u));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(ttlMs);
    await sleep(ttlMs + 100);
    expect(await admin.exists(hashOf(u))).toBe(0);
  });

  it('re-asserts a gateway’s sessions on refresh (presence lost to a Redis restart comes back)', async () => {
    const gw = `gw-${randomUUID()}`;
    const s = session(`u${randomUUID()}`, gw);
    await presence.add(s);
    await admin.del(hashOf(s.userId), `${prefix}gw:${gw}`);
    expect(await presence.sessionsOf(s.userId)).toEqual([]);
    await presence.refresh(gw, [s]);
    expect(await presence.sessionsOf(s.userId)).toEqual([s]);
    expect(await presence.add(s)).toEqual({ firstForUser: true });
  });

  it('decides first and last atomically when two gateways add and remove at once', async () => {
    const other = await RedisPresence.connect(url, { ...portOptions('presence-2'), ttlMs });
    const u = `u${randomUUID()}`;
    const gateways = [`gw-${randomUUID()}`, `gw-${randomUUID()}`];
    const sessions = Array.from({ length: 20 }, (_, i) => session(u, gateways[i % 2] ?? ''));
    const via = (i: number): RedisPresence => (i % 2 === 0 ? presence : other);
    const added = await Promise.all(sessions.map((s, i) => via(i).add(s)));
    expect(added.filter((r) => r.firstForUser)).toHaveLength(1);
    const removed = await Promise.all(sessions.map((s, i) => via(i + 1).remove(s)));
    expect(removed.filter((r) => r.lastForUser)).toHaveLength(1);
    await other.close();
  });

  it('answers onlineAmong for many users at once, ignoring malformed records', async () => {
    const gw = `gw-${randomUUID()}`;
    const users = Array.from({ length: 500 }, (_, i) => `many${i}-${randomUUID()}`);
    const online = users.filter((_, i) => i % 3 === 0);
    const sessions = online.map((u) => session(u, gw));
    // The gateway stays alive while this runs: its 400 ms lease is renewed as a live gateway does,
    // so a loaded machine taking longer than a lease to add 167 sessions cannot make them vanish.
    const lease = setInterval(() => void presence.refresh(gw, sessions), ttlMs / 4);
    try {
      await Promise.all(sessions.map((s) => presence.add(s)));
      const broken = users[1] ?? '';
      await admin.hset(hashOf(broken), 'sX', 'not json');
      expect(await presence.onlineAmong([...users, ...online])).toEqual(new Set(online));
      expect(await admin.exists(hashOf(broken))).toBe(0);
      expect(await presence.onlineAmong([])).toEqual(new Set());
    } finally {
      clearInterval(lease);
    }
  });
});

describe('RedisPresence.gatewaysOf', () => {
  it('names the gateways of each user’s live sessions, once each, over more than one lookup chunk', async () => {
    const presence = await RedisPresence.connect(url, portOptions('gateways-of'));
    const [g1, g2, dead] = [`gw-${randomUUID()}`, `gw-${randomUUID()}`, `gw-dead-${randomUUID()}`];
    const [u1, u2, u3] = [`u${randomUUID()}`, `u${randomUUID()}`, `u${randomUUID()}`];
    const add = (userId: string, gatewayId: string, socketId: string) =>
      presence.add({ userId, deviceId: socketId, socketId, gatewayId, connectedAt: Date.now() });
    await add(u1, g1, 's1');
    await add(u1, g1, 's2');
    await add(u1, g2, 's3');
    await add(u2, dead, 's4');
    await admin.del(`${prefix}gw:${dead}`); // its lease lapsed
    const many = Array.from({ length: 1500 }, (_, i) => `off${i}-${randomUUID()}`);
    const located = await presence.gatewaysOf([u1, u2, u3, u1, ...many]);
    expect([...located.keys()]).toEqual([u1]);
    expect([...(located.get(u1) ?? [])].sort()).toEqual([g1, g2].sort());
    expect(await admin.exists(`${prefix}presence:{${u2}}`)).toBe(0);
    await presence.close();
  });
});

// ---------------------------------------------------------------- once store

describe('RedisOnceStore', () => {
  let store: RedisOnceStore;
  beforeAll(async () => {
    store = await RedisOnceStore.connect(url, portOptions('once'));
  });
  afterAll(() => store.close());

  it('stores under im:once: and forgets after the time to live', async () => {
    const k = `k${randomUUID()}`;
    expect(await store.putIfAbsent(k, 'a', 100)).toBeUndefined();
    expect(await admin.get(`${prefix}once:${k}`)).toBe('a');
    expect(await store.putIfAbsent(k, 'b', 100)).toBe('a');
    await sleep(200);
    expect(await store.putIfAbsent(k, 'c', 60_000)).toBeUndefined();
    expect(await store.putIfAbsent(k, 'd', 60_000)).toBe('c');
  });

  it('sends the commands of one turn of the event loop in one socket write, each with its own answer', async () => {
    const stream = (store as unknown as { client: { stream: { write: (...a: unknown[]) => boolean } } }).client.stream;
    const write = stream.write.bind(stream);
    let writes = 0;
    stream.write = (...a: unknown[]) => {
      writes++;
      return write(...a);
    };
    try {
      const keys = Array.from({ length: 50 }, () => `k${randomUUID()}`);
      await store.putIfAbsent(keys[7]!, 'first', 60_000);
      writes = 0;
      const answers = await Promise.all(keys.map((k, i) => store.putIfAbsent(k, `v${i}`, 60_000)));
      expect(answers[7]).toBe('first');
      expect(answers.filter((a) => a === undefined)).toHaveLength(49);
      // One write per command without pipelining (50); one, or a very few, with it.
      expect(writes).toBeLessThanOrEqual(3);
    } finally {
      stream.write = write;
    }
  });
});

// ---------------------------------------------------------------- Socket.IO adapter

describe('createSocketIoRedisAdapter (sharded, dynamic subscriptions)', () => {
  const channelPrefix = `${prefix}sio`;
  const roomChannel = (room: string): string => `${channelPrefix}#/#${room}#`;
  interface Node {
    io: Server;
    redis: SocketIoRedisAdapter;
    port: number;
  }
  const nodes: Node[] = [];
  const clients: ClientSocket[] = [];

  async function startNode(n: number): Promise<Node> {
    const redis = await createSocketIoRedisAdapter(url, {
      channelPrefix,
      logger: silent,
      name: `im-test-${RUN}-sio${n}`,
    });
    const http = createServer();
    const io = new Server(http, { adapter: redis.adapter });
    io.on('connection', (socket) => {
      const room = socket.handshake.auth.room;
      if (typeof room === 'string') void socket.join(room);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const node = { io, redis, port: (http.address() as AddressInfo).port };
    nodes.push(node);
    return node;
  }

  async function connect(node: Node, room: string): Promise<ClientSocket> {
    const socket = connectClient(`http://127.0.0.1:${node.port}`, {
      auth: { room },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const n of nodes) await new Promise<void>((resolve) => void n.io.close(() => resolve()));
    for (const n of nodes) await n.redis.close();
  });

  it('sends a room’s broadcast only to the servers with sockets in that room', async () => {
    const [one, two] = [await startNode(1), await startNode(2)];
    const [roomOnTwo, roomOnOne] = [`room-${randomUUID()}`, `room-${randomUUID()}`];
    const onTwo = await connect(two, roomOnTwo);
    const onOne = await connect(one, roomOnOne);
    await waitFor(
      async () =>
        (await shardSubscribers(roomChannel(roomOnTwo))) === 1 &&
        (await shardSubscribers(roomChannel(roomOnOne))) === 1,
      'room subscriptions',
    );

    const got: unknown[] = [];
    onTwo.on('hello', (x: unknown) => got.push(['two', x]));
    onOne.on('hello', (x: unknown) => got.push(['one', x]));
    const before = { one: one.redis.received(), two: two.redis.received() };

    one.io.to(roomOnTwo).emit('hello', 1);
    await waitFor(() => got.length === 1, 'the broadcast on server two');
    await sleep(100);
    expect(got).toEqual([['two', 1]]);
    expect(one.redis.received() - before.one).toBe(0);
    expect(two.redis.received() - before.two).toBe(1);

    two.io.to(roomOnOne).emit('hello', 2);
    await waitFor(() => got.length === 2, 'the broadcast on server one');
    await sleep(100);
    expect(got).toEqual([
      ['two', 1],
      ['one', 2],
    ]);
    expect(one.redis.received() - before.one).toBe(1);
    expect(two.redis.received() - before.two).toBe(1);
  });

  it('answers cluster-wide requests (fetchSockets counts servers with PUBSUB SHARDNUMSUB)', async () => {
    const [one, two] = [nodes[0], nodes[1]];
    if (!one || !two) throw new Error('the previous test starts the servers');
    const room = `room-${randomUUID()}`;
    const client = await connect(two, room);
    await waitFor(async () => (await one.io.in(room).fetchSockets()).length === 1, 'the remote socket');
    const [remote] = await one.io.in(room).fetchSockets();
    expect(remote?.id).toBe(client.id);
  });
});
