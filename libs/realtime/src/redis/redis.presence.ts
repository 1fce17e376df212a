import type { Logger } from '@im/common';
import type { Redis } from 'ioredis';
import type { DeviceSession, Presence } from '../presence.port';
import { closeRedis, DEFAULT_PREFIX, loggerOf, openRedis } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';
import { presenceScripts } from './redis.presence.scripts';
import type { PresenceScripts } from './redis.presence.scripts';

export interface RedisPresenceOptions extends RedisPortOptions {
  /** How long a gateway's sessions outlive its last refresh; default 60 000. Gateways refresh every ttl/3. */
  readonly ttlMs?: number;
  /**
   * Prefix of the gateway registry (the set of gateways and each one's users, read by the crash
   * sweep); default `prefix`. Per installation (`im:<namespace>:`), so installations sharing one
   * Redis never sweep each other's gateways.
   */
  readonly registryPrefix?: string;
}

export const DEFAULT_PRESENCE_TTL_MS = 60_000;

/** Users per presence lookup command (one script call reads this many hashes). */
const LOOKUP_CHUNK = 1000;

/** A gateway's user list outlives its lease this many times over, so a sweep finds it after a crash. */
const USERS_TTL_FACTOR = 10;

function isSession(v: unknown): v is DeviceSession {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    ['userId', 'deviceId', 'socketId', 'gatewayId'].every((k) => typeof s[k] === 'string') &&
    typeof s.connectedAt === 'number'
  );
}

/**
 * Presence in Redis. Per user a hash `im:presence:{<userId>}` (socketId → session JSON); per
 * gateway a liveness key `im:gw:<gatewayId>` whose TTL the gateway renews with `refresh`. A
 * session counts only while its gateway's key exists, so the users of a gateway that died stop
 * being online after the TTL; their records are deleted lazily by the next script that reads
 * them. add/remove are Lua scripts, so first/last are decided atomically. A registry (a set of
 * gateways, and per gateway the set of its users as of its last refresh, kept 10 leases long)
 * lets `deadGateways` name the users of a gateway that crashed, for their friends' 6.
 */
export class RedisPresence implements Presence {
  private readonly scripts: PresenceScripts;
  private readonly gwPrefix: string;

  private constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
    private readonly registryPrefix: string,
  ) {
    this.scripts = presenceScripts(client);
    this.gwPrefix = `${prefix}gw:`;
  }

  static async connect(url: string, options?: RedisPresenceOptions): Promise<RedisPresence> {
    const ttlMs = options?.ttlMs ?? DEFAULT_PRESENCE_TTL_MS;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0)
      throw new Error(`presence ttlMs must be a positive integer, got ${ttlMs}`);
    const log = loggerOf(options, 'presence');
    const client = await openRedis(url, options?.name ?? 'im-presence', log, { autoPipelining: true });
    const prefix = options?.prefix ?? DEFAULT_PREFIX;
    return new RedisPresence(client, prefix, ttlMs, log, options?.registryPrefix ?? prefix);
  }

  async add(session: DeviceSession): Promise<{ firstForUser: boolean }> {
    const { userId, socketId, gatewayId } = session;
    const json = JSON.stringify(session);
    const firstForUser = await this.scripts.add(
      this.hashOf(userId),
      this.gwPrefix + gatewayId,
      socketId,
      json,
      this.ttlMs,
      this.gwPrefix,
    );
    await this.client
      .pipeline()
      .sadd(this.gatewaysKey, gatewayId)
      .sadd(this.usersKey(gatewayId), userId)
      .pexpire(this.usersKey(gatewayId), this.ttlMs * USERS_TTL_FACTOR)
      .exec();
    return { firstForUser };
  }

  async remove(session: Pick<DeviceSession, 'userId' | 'socketId'>): Promise<{ lastForUser: boolean }> {
    return { lastForUser: await this.scripts.remove(this.hashOf(session.userId), session.socketId, this.gwPrefix) };
  }

  async sessionsOf(userId: string): Promise<DeviceSession[]> {
    const jsons = await this.scripts.sessions(this.hashOf(userId), this.gwPrefix);
    return jsons.flatMap((json) => this.parseSession(userId, json));
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return new Set((await this.gatewaysOf(userIds)).keys());
  }

  async gatewaysOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const users = [...new Set(userIds)];
    const out = new Map<string, string[]>();
    for (let i = 0; i < users.length; i += LOOKUP_CHUNK) {
      const chunk = users.slice(i, i + LOOKUP_CHUNK);
      const gateways = await this.scripts.gatewaysOf(
        chunk.map((u) => this.hashOf(u)),
        this.gwPrefix,
      );
      chunk.forEach((u, j) => {
        const gws = gateways[j];
        if (gws && gws.length > 0) out.set(u, gws);
      });
    }
    return out;
  }

  /** SCANs the presence hashes (never KEYS, which would block Redis), then keeps the users with a live session. */
  async onlineUsers(): Promise<string[]> {
    const head = `${this.prefix}presence:{`;
    const users = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) if (key.endsWith('}')) users.add(key.slice(head.length, -1));
    } while (cursor !== '0');
    const online: string[] = [];
    const all = [...users];
    for (let i = 0; i < all.length; i += 1000) online.push(...(await this.onlineAmong(all.slice(i, i + 1000))));
    return online;
  }

  /**
   * Renews the gateway's liveness key and re-asserts its sessions (so presence lost to a Redis
   * restart, or cleaned while the gateway was cut off for longer than the TTL, comes back), in
   * one pipeline sent at once: a `remove` called after `refresh` is applied after it.
   */
  async refresh(gatewayId: string, sessions: readonly DeviceSession[]): Promise<void> {
    const mine = sessions.filter((x) => x.gatewayId === gatewayId);
    const pipeline = this.client.pipeline().set(this.gwPrefix + gatewayId, '1', 'PX', this.ttlMs);
    for (const s of mine) {
      const hash = this.hashOf(s.userId);
      pipeline.hset(hash, s.socketId, JSON.stringify(s)).pexpire(hash, this.ttlMs);
    }
    // The gateway's users as of now (those who left since drop out), kept well past the lease.
    const users = this.usersKey(gatewayId);
    pipeline.sadd(this.gatewaysKey, gatewayId).del(users);
    if (mine.length > 0)
      pipeline.sadd(users, ...new Set(mine.map((x) => x.userId))).pexpire(users, this.ttlMs * USERS_TTL_FACTOR);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  async deadGateways(): Promise<{ gatewayId: string; userIds: string[] }[]> {
    const gateways = await this.client.smembers(this.gatewaysKey);
    if (gateways.length === 0) return [];
    const alive = (await this.client.pipeline(gateways.map((g) => ['exists', this.gwPrefix + g])).exec()) ?? [];
    const dead = gateways.filter((_, i) => Number(alive[i]?.[1] ?? 1) === 0);
    const out: { gatewayId: string; userIds: string[] }[] = [];
    for (const gatewayId of dead)
      out.push({ gatewayId, userIds: (await this.client.smembers(this.usersKey(gatewayId))).sort() });
    return out;
  }

  async forgetGateway(gatewayId: string): Promise<void> {
    await this.client.pipeline().srem(this.gatewaysKey, gatewayId).del(this.usersKey(gatewayId)).exec();
  }

  /** The connection is up (for readiness). */
  isReady(): boolean {
    return this.client.status === 'ready';
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }

  private get gatewaysKey(): string {
    return `${this.registryPrefix}gateways`;
  }

  private usersKey(gatewayId: string): string {
    return `${this.registryPrefix}gwusers:${gatewayId}`;
  }

  private hashOf(userId: string): string {
    return `${this.prefix}presence:{${userId}}`;
  }

  private parseSession(userId: string, json: string): DeviceSession[] {
    try {
      const value: unknown = JSON.parse(json);
      if (isSession(value)) return [value];
    } catch {
      // reported below
    }
    this.log.warn({ userId }, 'malformed presence session ignored');
    return [];
  }
}
