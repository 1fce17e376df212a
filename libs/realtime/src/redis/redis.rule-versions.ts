import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RuleVersions } from '../rule-versions.port';
import { closeRedis, DEFAULT_PREFIX, loggerOf, openRedis } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

/**
 * RuleVersions on Redis: one string key per rule (`im:rv:<key>`, no expiry), a random token
 * each. Reads and bumps of many keys are one pipeline each (GETs and SETs, not MGET/MSET, so keys
 * in different cluster slots are fine).
 */
export class RedisRuleVersions implements RuleVersions {
  private constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
  ) {}

  static async connect(url: string, options?: RedisPortOptions): Promise<RedisRuleVersions> {
    const client = await openRedis(url, options?.name ?? 'im-rule-versions', loggerOf(options, 'rule-versions'));
    return new RedisRuleVersions(client, `${options?.prefix ?? DEFAULT_PREFIX}rv:`);
  }

  async read(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const results = await this.client.pipeline(keys.map((k) => ['get', this.keyPrefix + k])).exec();
    return keys.map((_, i) => {
      const [err, value] = results?.[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      return typeof value === 'string' ? value : undefined;
    });
  }

  async bump(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const results = await this.client.pipeline(keys.map((k) => ['set', this.keyPrefix + k, randomUUID()])).exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** The connection is up (for readiness). */
  isReady(): boolean {
    return this.client.status === 'ready';
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
