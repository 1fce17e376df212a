import { randomUUID } from 'node:crypto';
import type { RuleVersions } from '../rule-versions.port';
import { connectPort, RedisPort } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

/**
 * RuleVersions on Redis: one string key per rule (`im:rv:<key>`, no expiry), a random token
 * each. Reads and bumps of many keys are one pipeline each (GETs and SETs, not MGET/MSET, so keys
 * in different cluster slots are fine).
 */
export class RedisRuleVersions extends RedisPort implements RuleVersions {
  static async connect(url: string, options?: RedisPortOptions): Promise<RedisRuleVersions> {
    const names = { name: 'im-rule-versions', module: 'rule-versions', keys: 'rv:' };
    return new RedisRuleVersions(...(await connectPort(url, options, names)));
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
}
