import type { Clock } from '@im/common';
import { systemClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import type { Redis } from 'ioredis';
import type { ChatroomStore } from '../chatroom.port';
import { connectPort, RedisPort } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

export interface RedisChatroomOptions extends RedisPortOptions {
  /** How long a membership counts without a refresh; default 60 000 (gateways refresh every ttl/3). */
  readonly memberTtlMs?: number;
  /** How long an idle room's history is kept at most; default one day. */
  readonly historyTtlMs?: number;
  readonly clock?: Clock;
}

/** KEYS: members. ARGV: now, expiry, memberId, max, key ttl. → {entered 0|1, count}. */
const ENTER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local n = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) == false and n >= tonumber(ARGV[4]) then return {0, n} end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, redis.call('ZCARD', KEYS[1])}
`;

/** KEYS: members, history. ARGV: now, memberId. The history goes with the last member. */
const LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local n = redis.call('ZCARD', KEYS[1])
if n == 0 then redis.call('DEL', KEYS[2]) end
return n
`;

/** KEYS: counter. ARGV: window ms. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/**
 * Chatrooms in Redis. Per room a sorted set `im:chatroom:{<roomId>}:members` (socket id → the
 * time its membership lapses unless refreshed) and a list `...:history` (message JSON, newest
 * last). Enter and leave are Lua scripts, so the size limit holds when many gateways admit at
 * once. Rate counters are `im:rate:<key>:<window>` with the window as expiry.
 */
export class RedisChatroomStore extends RedisPort implements ChatroomStore {
  private constructor(
    [client, keyPrefix]: [Redis, string],
    private readonly memberTtlMs: number,
    private readonly historyTtlMs: number,
    private readonly clock: Clock,
  ) {
    super(client, keyPrefix);
  }

  static async connect(url: string, options?: RedisChatroomOptions): Promise<RedisChatroomStore> {
    return new RedisChatroomStore(
      await connectPort(url, options, { name: 'im-chatroom', module: 'chatroom', keys: '' }),
      options?.memberTtlMs ?? 60_000,
      options?.historyTtlMs ?? 86_400_000,
      options?.clock ?? systemClock,
    );
  }

  private key(roomId: string, part: 'members' | 'history'): string {
    return `${this.keyPrefix}chatroom:{${roomId}}:${part}`;
  }

  async enter(roomId: string, memberId: string, maxMembers: number): Promise<{ entered: boolean; members: number }> {
    const now = this.clock.now();
    const args = [now, now + this.memberTtlMs, memberId, maxMembers, this.memberTtlMs];
    const [entered, members] = (await this.client.eval(ENTER, 1, this.key(roomId, 'members'), ...args)) as [
      number,
      number,
    ];
    return { entered: entered === 1, members };
  }

  async leave(roomId: string, memberId: string): Promise<{ members: number }> {
    const members = (await this.client.eval(
      LEAVE,
      2,
      this.key(roomId, 'members'),
      this.key(roomId, 'history'),
      this.clock.now(),
      memberId,
    )) as number;
    return { members };
  }

  async members(roomId: string): Promise<number> {
    return this.client.zcount(this.key(roomId, 'members'), `(${this.clock.now()}`, '+inf');
  }

  async refresh(memberships: readonly { roomId: string; memberId: string }[]): Promise<void> {
    if (memberships.length === 0) return;
    const expiry = this.clock.now() + this.memberTtlMs;
    const pipeline = this.client.pipeline();
    for (const m of memberships) {
      pipeline.zadd(this.key(m.roomId, 'members'), 'XX', expiry, m.memberId);
      pipeline.pexpire(this.key(m.roomId, 'members'), this.memberTtlMs);
    }
    await pipeline.exec();
  }

  async remember(roomId: string, message: ImMessage, keep: number): Promise<void> {
    if (keep <= 0) return;
    const key = this.key(roomId, 'history');
    await this.client
      .multi()
      .rpush(key, JSON.stringify(message))
      .ltrim(key, -keep, -1)
      .pexpire(key, this.historyTtlMs)
      .exec();
  }

  async recent(roomId: string, limit: number): Promise<ImMessage[]> {
    if (limit <= 0) return [];
    const items = await this.client.lrange(this.key(roomId, 'history'), -limit, -1);
    return items.map((s) => JSON.parse(s) as ImMessage);
  }

  async hit(key: string, windowMs: number): Promise<number> {
    const window = Math.floor(this.clock.now() / windowMs);
    return (await this.client.eval(HIT, 1, `${this.keyPrefix}rate:${key}:${window}`, windowMs)) as number;
  }
}
