import type { MultiCall, MultiCallStore } from '../multi-call-store.port';
import { RedisCallRecords } from './redis.connection';
import type { RedisCallRecordOptions } from './redis.connection';

export type RedisMultiCallStoreOptions = RedisCallRecordOptions;

/** KEYS: the call. ARGV: expected version, new JSON ('' = delete), ttl. */
const CAS = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur).version ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

/** Multi-party calls in Redis: `im:mcall:{<groupId>}` holds the call as JSON; changes are compare-and-set scripts on its version. */
export class RedisMultiCallStore extends RedisCallRecords implements MultiCallStore {
  static async connect(url: string, options?: RedisMultiCallStoreOptions): Promise<RedisMultiCallStore> {
    const names = { name: 'im-multi-calls', module: 'multi-call-store', keys: 'mcall:' };
    return new RedisMultiCallStore(...(await RedisCallRecords.open(url, options, names)));
  }

  private key(groupId: string): string {
    return `${this.keyPrefix}{${groupId}}`;
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
}
