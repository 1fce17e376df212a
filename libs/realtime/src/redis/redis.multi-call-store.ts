import type { Redis } from 'ioredis';
import type { MultiCall, MultiCallStore } from '../multi-call-store.port';
import { closeRedis, DEFAULT_PREFIX, loggerOf, openRedis } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

export interface RedisMultiCallStoreOptions extends RedisPortOptions {
  /** Longest a call lives without a change (if every gateway of its participants died); default 6 hours. */
  readonly maxIdleMs?: number;
}

/** KEYS: the call. ARGV: expected version, new JSON ('' = delete), ttl. */
const CAS = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur).version ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

/** Multi-party calls in Redis: `im:mcall:{<groupId>}` holds the call as JSON; changes are compare-and-set scripts on its version. */
export class RedisMultiCallStore implements MultiCallStore {
  private constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  static async connect(url: string, options?: RedisMultiCallStoreOptions): Promise<RedisMultiCallStore> {
    const client = await openRedis(url, options?.name ?? 'im-multi-calls', loggerOf(options, 'multi-call-store'));
    return new RedisMultiCallStore(
      client,
      `${options?.prefix ?? DEFAULT_PREFIX}mcall:`,
      options?.maxIdleMs ?? 6 * 3600 * 1000,
    );
  }

  private key(groupId: string): string {
    return `${this.prefix}{${groupId}}`;
  }

  async create(call: MultiCall): Promise<boolean> {
    return (await this.client.set(this.key(call.groupId), JSON.stringify(call), 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  async ofGroup(groupId: string): Promise<MultiCall | undefined> {
    const json = await this.client.get(this.key(groupId));
    return json === null ? undefined : (JSON.parse(json) as MultiCall);
  }

  async update(next: MultiCall): Promise<boolean> {
    return (
      (await this.client.eval(CAS, 1, this.key(next.groupId), next.version - 1, JSON.stringify(next), this.ttlMs)) === 1
    );
  }

  async end(groupId: string, version: number): Promise<boolean> {
    return (await this.client.eval(CAS, 1, this.key(groupId), version, '', this.ttlMs)) === 1;
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}
