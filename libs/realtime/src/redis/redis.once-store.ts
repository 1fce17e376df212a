import type { OnceStore } from '../presence.port';
import { connectPort, RedisPort } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

/**
 * OnceStore on Redis: `SET key value NX PX ttl GET` (Redis ≥ 7.0 accepts NX with GET), one
 * atomic command that stores the value when the key is absent and otherwise returns the value
 * already there. Keys: `im:once:<key>`.
 */
export class RedisOnceStore extends RedisPort implements OnceStore {
  readonly durable = true;

  static async connect(url: string, options?: RedisPortOptions): Promise<RedisOnceStore> {
    return new RedisOnceStore(
      ...(await connectPort(url, options, { name: 'im-once', module: 'once-store', keys: 'once:' })),
    );
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<string | undefined> {
    const px = Math.max(1, Math.ceil(ttlMs));
    const previous = await this.client.set(this.keyPrefix + key, value, 'PX', px, 'NX', 'GET');
    return previous ?? undefined;
  }

  /** `GETDEL` (Redis ≥ 6.2): read and delete in one command. */
  async take(key: string): Promise<string | undefined> {
    const value = await this.client.getdel(this.keyPrefix + key);
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.keyPrefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.client.get(this.keyPrefix + key);
    return value ?? undefined;
  }
}
