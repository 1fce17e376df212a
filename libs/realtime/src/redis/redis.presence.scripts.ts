import type { Redis } from 'ioredis';

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

/**
 * KEYS: user hashes (any number, any slot: standalone Redis only, like the gateway keys above).
 * ARGV: gateway key prefix. Per key, the distinct gateways of its live sessions (empty: offline);
 * dead sessions are deleted on the way, each gateway's lease is read once per call.
 */
const GATEWAYS_OF = `
local alive, out = {}, {}
for k = 1, #KEYS do
  local all = redis.call('HGETALL', KEYS[k])
  local gws, seen = {}, {}
  for i = 1, #all, 2 do
    local ok, s = pcall(cjson.decode, all[i + 1])
    local gw = ok and type(s) == 'table' and s.gatewayId
    if type(gw) == 'string' and alive[gw] == nil then
      alive[gw] = redis.call('EXISTS', ARGV[1] .. gw) == 1
    end
    if type(gw) == 'string' and alive[gw] then
      if not seen[gw] then
        seen[gw] = true
        gws[#gws + 1] = gw
      end
    else
      redis.call('HDEL', KEYS[k], all[i])
    end
  end
  out[k] = gws
end
return out
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
  imPresenceGatewaysOf(numberOfKeys: number, ...keysThenPrefix: string[]): Promise<string[][]>;
}

export interface PresenceScripts {
  add(hash: string, gwKey: string, socketId: string, json: string, ttlMs: number, gwPrefix: string): Promise<boolean>;
  remove(hash: string, socketId: string, gwPrefix: string): Promise<boolean>;
  sessions(hash: string, gwPrefix: string): Promise<string[]>;
  /** The gateways of each hash's live sessions, in one command. */
  gatewaysOf(hashes: readonly string[], gwPrefix: string): Promise<string[][]>;
}

function define(client: Redis): void {
  client.defineCommand('imPresenceAdd', { numberOfKeys: 2, lua: ADD });
  client.defineCommand('imPresenceRemove', { numberOfKeys: 1, lua: REMOVE });
  client.defineCommand('imPresenceSessions', { numberOfKeys: 1, lua: SESSIONS });
  client.defineCommand('imPresenceGatewaysOf', { lua: GATEWAYS_OF });
}

export function presenceScripts(client: Redis): PresenceScripts {
  define(client);
  const c = client as unknown as PresenceCommands;
  return {
    add: async (...args) => (await c.imPresenceAdd(...args)) === 1,
    remove: async (...args) => (await c.imPresenceRemove(...args)) === 1,
    sessions: (hash, gwPrefix) => c.imPresenceSessions(hash, gwPrefix),
    gatewaysOf: (hashes, gwPrefix) => c.imPresenceGatewaysOf(hashes.length, ...hashes, gwPrefix),
  };
}
