import { connectPort, RedisPort } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

/**
 * Reads the live entries and forgets the expired ones in one step (Redis runs a script alone):
 * an index member whose key has expired is removed only if it is still gone, so a process that
 * publishes again at that moment is never dropped from the index.
 * KEYS[1] index; ARGV[1] entry key prefix.
 */
const LIST_SCRIPT = `
local ids = redis.call('SMEMBERS', KEYS[1])
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('GET', ARGV[1] .. id)
  if v then
    out[#out + 1] = v
  else
    redis.call('SREM', KEYS[1], id)
  end
end
return out
`;

/** How much longer than an entry the index lives: an installation that stops entirely leaves nothing behind. */
const INDEX_TTL_FACTOR = 10;

/**
 * The cluster's operations board (docs/console.md): every process writes a small JSON snapshot
 * of its figures under its own key with a TTL, so a process that dies disappears once its last
 * snapshot expires; a set indexes the entries (no SCAN over the keyspace). Keys, under the hash
 * tag `{ops}`: `<prefix>{ops}:index` (set of instance ids), `<prefix>{ops}:proc:<instance>`.
 */
export class RedisOpsBoard extends RedisPort {
  private readonly indexKey = `${this.keyPrefix}index`;
  private readonly entryPrefix = `${this.keyPrefix}proc:`;

  static async connect(url: string, options?: RedisPortOptions): Promise<RedisOpsBoard> {
    return new RedisOpsBoard(
      ...(await connectPort(url, options, { name: 'im-ops', module: 'ops-board', keys: '{ops}:' })),
    );
  }

  /** Writes (or replaces) this instance's entry; it expires `ttlMs` after its last write. */
  async publish(instance: string, entry: unknown, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.ceil(ttlMs));
    const results = await this.client
      .multi()
      .set(this.entryPrefix + instance, JSON.stringify(entry), 'PX', px)
      .sadd(this.indexKey, instance)
      // Only ever lengthened (NX for a new index, GT after): a process with a short TTL must not
      // cut the index's life short for the others (Redis ≥ 7.0).
      .pexpire(this.indexKey, px * INDEX_TTL_FACTOR, 'NX')
      .pexpire(this.indexKey, px * INDEX_TTL_FACTOR, 'GT')
      .exec();
    // A MULTI answers each command's error in place instead of rejecting.
    const failed = results?.find(([err]) => err !== null)?.[0];
    if (failed) throw failed;
  }

  /** Removes this instance's entry at once (an orderly stop). */
  async remove(instance: string): Promise<void> {
    await this.client
      .multi()
      .del(this.entryPrefix + instance)
      .srem(this.indexKey, instance)
      .exec();
  }

  /** Every entry that has not expired, in no particular order. */
  async list<T = unknown>(): Promise<T[]> {
    const raw = (await this.client.eval(LIST_SCRIPT, 1, this.indexKey, this.entryPrefix)) as string[];
    const entries: T[] = [];
    for (const text of raw) {
      try {
        entries.push(JSON.parse(text) as T);
      } catch {
        // Not ours to fail on: a malformed entry is left out of the view.
      }
    }
    return entries;
  }
}
