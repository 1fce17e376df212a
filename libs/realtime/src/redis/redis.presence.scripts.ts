import type { ChainableCommander, Redis } from 'ioredis';

/**
 * The live sessions of one user hash: a session counts while the liveness key of its gateway
 * exists; the others are deleted on the way (lazy cleanup of crashed gateways). The gateway keys
 * are read by name, not declared in KEYS: fine on the standalone (or primary/replica) Redis these
 * ports connect to; a Redis Cluster would need the lease kept in the user's own slot.
 */
const LIVE_SESSIONS = `
local function live_sessions(key, gw_prefix)
  local all = redis.call('HGETALL', key)
  local live, alive = {}, {}
  for i = 1, #all, 2 do
    local ok, s = pcall(cjson.decode, all[i + 1])
    local gw = ok and type(s) == 'table' and s.gatewayId
    if type(gw) == 'string' and alive[gw] == nil then
      alive[gw] = redis.call('EXISTS', gw_prefix .. gw) == 1
    end
    if type(gw) == 'string' and alive[gw] then
      live[#live + 1] = all[i + 1]
    else
      redis.call('HDEL', key, all[i])
    end
  end
  return live
end
`;

/**
 * KEYS: user hash, own gateway key. ARGV: socketId, session JSON, ttl ms, gateway key prefix.
 * 1 = the user had no other live session (the same socket, e.g. re-asserted by a refresh, is not another).
 */
const ADD = `${LIVE_SESSIONS}
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
redis.call('HDEL', KEYS[1], ARGV[1])
local before = #live_sessions(KEYS[1], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if before == 0 then return 1 end
return 0
`;

/** KEYS: user hash. ARGV: socketId, gateway key prefix. 1 = this removal left no live session. */
const REMOVE = `${LIVE_SESSIONS}
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
if #live_sessions(KEYS[1], ARGV[2]) == 0 then return 1 end
return 0
`;

/** KEYS: user hash. ARGV: gateway key prefix. The live sessions' JSON. */
const SESSIONS = `${LIVE_SESSIONS}
return live_sessions(KEYS[1], ARGV[1])
`;

/** KEYS: user hash. ARGV: gateway key prefix. The number of live sessions. */
const LIVE_COUNT = `${LIVE_SESSIONS}
return #live_sessions(KEYS[1], ARGV[1])
`;

/** The scripts as ioredis custom commands (EVALSHA, loaded on NOSCRIPT, pipelines included). */
interface PresenceCommands {
  imPresenceAdd(
    hash: string,
    gwKey: string,
    socketId: string,
    json: string,
    ttlMs: number,
    gwPrefix: string,
  ): Promise<number>;
  imPresenceRemove(hash: string, socketId: string, gwPrefix: string): Promise<number>;
  imPresenceSessions(hash: string, gwPrefix: string): Promise<string[]>;
}

interface PresencePipeline {
  imPresenceLiveCount(hash: string, gwPrefix: string): PresencePipeline;
  exec(): ReturnType<ChainableCommander['exec']>;
}

export interface PresenceScripts {
  add(hash: string, gwKey: string, socketId: string, json: string, ttlMs: number, gwPrefix: string): Promise<boolean>;
  remove(hash: string, socketId: string, gwPrefix: string): Promise<boolean>;
  sessions(hash: string, gwPrefix: string): Promise<string[]>;
  /** Live session counts of many hashes in one round trip. */
  liveCounts(hashes: readonly string[], gwPrefix: string): Promise<number[]>;
}

function define(client: Redis): void {
  client.defineCommand('imPresenceAdd', { numberOfKeys: 2, lua: ADD });
  client.defineCommand('imPresenceRemove', { numberOfKeys: 1, lua: REMOVE });
  client.defineCommand('imPresenceSessions', { numberOfKeys: 1, lua: SESSIONS });
  client.defineCommand('imPresenceLiveCount', { numberOfKeys: 1, lua: LIVE_COUNT });
}

async function liveCounts(client: Redis, hashes: readonly string[], gwPrefix: string): Promise<number[]> {
  const pipeline = client.pipeline() as unknown as PresencePipeline;
  for (const hash of hashes) pipeline.imPresenceLiveCount(hash, gwPrefix);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, count]) => {
    if (err) throw err;
    return Number(count);
  });
}

export function presenceScripts(client: Redis): PresenceScripts {
  define(client);
  const c = client as unknown as PresenceCommands;
  return {
    add: async (...args) => (await c.imPresenceAdd(...args)) === 1,
    remove: async (...args) => (await c.imPresenceRemove(...args)) === 1,
    sessions: (hash, gwPrefix) => c.imPresenceSessions(hash, gwPrefix),
    liveCounts: (hashes, gwPrefix) => liveCounts(client, hashes, gwPrefix),
  };
}
