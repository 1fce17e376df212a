import type { Call, CallStore } from '../call-store.port';
import { callDeadline } from '../call-store.port';
import { RedisCallRecords } from './redis.connection';
import type { RedisCallRecordOptions } from './redis.connection';

export type RedisCallStoreOptions = RedisCallRecordOptions;

/** ARGV[1] of every script: the key prefix `im:{calls}:`. Keys are built inside, all in one hash slot. */
const HELPERS = `
local p = ARGV[1]
local function call_key(id) return p .. 'call:' .. id end
local function user_key(id) return p .. 'user:' .. id end
local function in_call(user)
  local id = redis.call('GET', user_key(user))
  return id and redis.call('EXISTS', call_key(id)) == 1
end
local function current(id, version)
  local cur = redis.call('GET', call_key(id))
  if not cur then return nil end
  local call = cjson.decode(cur)
  if call.version ~= tonumber(version) then return nil end
  return call
end
`;

/** ARGV: prefix, callId, callerId, calleeId, json, deadline, ttl. → '' when created, else the busy user. */
const CREATE = `${HELPERS}
if in_call(ARGV[3]) then return ARGV[3] end
if in_call(ARGV[4]) then return ARGV[4] end
redis.call('SET', call_key(ARGV[2]), ARGV[5], 'PX', ARGV[7])
redis.call('SET', user_key(ARGV[3]), ARGV[2], 'PX', ARGV[7])
redis.call('SET', user_key(ARGV[4]), ARGV[2], 'PX', ARGV[7])
redis.call('ZADD', p .. 'due', ARGV[6], ARGV[2])
return ''
`;

/** ARGV: prefix, callId, expected version, json, deadline ('' = none), ttl. */
const UPDATE = `${HELPERS}
local call = current(ARGV[2], ARGV[3])
if not call then return 0 end
redis.call('SET', call_key(ARGV[2]), ARGV[4], 'PX', ARGV[6])
redis.call('PEXPIRE', user_key(call.callerId), ARGV[6])
redis.call('PEXPIRE', user_key(call.calleeId), ARGV[6])
if ARGV[5] == '' then redis.call('ZREM', p .. 'due', ARGV[2]) else redis.call('ZADD', p .. 'due', ARGV[5], ARGV[2]) end
return 1
`;

/** ARGV: prefix, callId, expected version. */
const END = `${HELPERS}
local call = current(ARGV[2], ARGV[3])
if not call then return 0 end
redis.call('DEL', call_key(ARGV[2]))
redis.call('ZREM', p .. 'due', ARGV[2])
for _, user in ipairs({call.callerId, call.calleeId}) do
  if redis.call('GET', user_key(user)) == ARGV[2] then redis.call('DEL', user_key(user)) end
end
return 1
`;

/** ARGV: prefix, now. Drops entries whose call expired on the way. */
const DUE = `${HELPERS}
local ids = redis.call('ZRANGEBYSCORE', p .. 'due', '-inf', ARGV[2], 'LIMIT', 0, 500)
local out = {}
for _, id in ipairs(ids) do
  if redis.call('EXISTS', call_key(id)) == 1 then out[#out + 1] = id else redis.call('ZREM', p .. 'due', id) end
end
return out
`;

/**
 * Calls in Redis: `im:{calls}:call:<id>` (the call as JSON), `im:{calls}:user:<userId>` (the
 * call a user is in) and the sorted set `im:{calls}:due` (call id → next deadline). Every change
 * is one Lua script with a compare-and-set on the call's version, so two gateways racing (two
 * devices answering, a hangup against the ringing timeout) cannot both win. All keys share the
 * `{calls}` hash tag: one slot, should the Redis ever be a cluster.
 */
export class RedisCallStore extends RedisCallRecords implements CallStore {
  static async connect(url: string, options?: RedisCallStoreOptions): Promise<RedisCallStore> {
    const names = { name: 'im-calls', module: 'call-store', keys: '{calls}:' };
    return new RedisCallStore(...(await RedisCallRecords.open(url, options, names)));
  }

  async create(call: Call): Promise<{ ok: true } | { ok: false; busy: string }> {
    const args = [
      this.keyPrefix,
      call.callId,
      call.callerId,
      call.calleeId,
      JSON.stringify(call),
      callDeadline(call) ?? call.ringDeadline,
      this.ttlMs,
    ];
    const busy = (await this.client.eval(CREATE, 0, ...args)) as string;
    return busy === '' ? { ok: true } : { ok: false, busy };
  }

  async get(callId: string): Promise<Call | undefined> {
    const json = await this.client.get(`${this.keyPrefix}call:${callId}`);
    return json === null ? undefined : (JSON.parse(json) as Call);
  }

  async ofUser(userId: string): Promise<Call | undefined> {
    const callId = await this.client.get(`${this.keyPrefix}user:${userId}`);
    return callId === null ? undefined : this.get(callId);
  }

  async update(next: Call): Promise<boolean> {
    const args = [
      this.keyPrefix,
      next.callId,
      next.version - 1,
      JSON.stringify(next),
      callDeadline(next) ?? '',
      this.ttlMs,
    ];
    return (await this.client.eval(UPDATE, 0, ...args)) === 1;
  }

  async end(callId: string, version: number): Promise<boolean> {
    return (await this.client.eval(END, 0, this.keyPrefix, callId, version)) === 1;
  }

  async due(now: number): Promise<string[]> {
    return (await this.client.eval(DUE, 0, this.keyPrefix, now)) as string[];
  }
}
