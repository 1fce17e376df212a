import { backendRequests, createLogger } from '@im/common';
import type { Logger } from '@im/common';
import { Redis } from 'ioredis';

/** Options shared by the Redis implementations of the realtime ports. */
export interface RedisPortOptions {
  readonly logger?: Logger;
  /** Prefix of every key and channel; default `im:`. Tests use a random one per run. */
  readonly prefix?: string;
  /** Connection name shown by `CLIENT LIST` (suffixed `:pub`, `:sub`, ...). */
  readonly name?: string;
}

export const DEFAULT_PREFIX = 'im:';

export function loggerOf(options: RedisPortOptions | undefined, module: string): Logger {
  return options?.logger ?? createLogger({ service: 'realtime' }).child({ module });
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Opens one connection and resolves once it is ready. A server that cannot be reached rejects
 * with the reason (instead of ioredis retrying for ever); after that, lost connections are
 * re-established by ioredis, which also restores the (sharded) subscriptions.
 *
 * `autoPipelining`: the commands issued in one turn of the event loop leave in one write (ioredis
 * `enableAutoPipelining`), in order, each with its own answer. For connections that never
 * subscribe: the ports' command connections (`connectPort`) and presence. The once-store's
 * acceptance key of every message was one socket write each, 40 µs of a gateway's CPU per message.
 */
export async function openRedis(
  url: string,
  name: string,
  logger: Logger,
  { autoPipelining = false }: { autoPipelining?: boolean } = {},
): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, connectionName: name, enableAutoPipelining: autoPipelining });
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    backendRequests.redis++;
    return send(...args);
  }) as Redis['sendCommand'];
  let ready = false;
  let firstError: Error | undefined;
  client.on('error', (err: Error) => {
    if (ready) logger.warn({ err, connection: name }, 'redis connection error');
    else firstError ??= err;
  });
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const reason = firstError?.message ?? (err instanceof Error ? err.message : String(err));
    throw new Error(`cannot connect to Redis at ${redactUrl(url)}: ${reason}`);
  }
  ready = true;
  return client;
}

/** Quits politely, or drops the connection when it is already broken. Safe to call twice. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** A publishing and a subscribing connection (`<name>:pub`, `<name>:sub`); if the second cannot open, the first is closed. */
export async function openPubSub(url: string, name: string, logger: Logger): Promise<{ pub: Redis; sub: Redis }> {
  const pub = await openRedis(url, `${name}:pub`, logger);
  const sub = await openRedis(url, `${name}:sub`, logger).catch(async (err: unknown) => {
    await closeRedis(pub);
    throw err;
  });
  return { pub, sub };
}

/** What names a port's connection and keys: its default connection name, its log module, and its part of the key space. */
export interface RedisPortNames {
  /** The connection name unless `options.name` gives one, e.g. `im-once`. */
  readonly name: string;
  /** The `module` of its log lines, e.g. `once-store`. */
  readonly module: string;
  /** What follows the prefix in each of its keys, e.g. `once:` (keys `im:once:…`). */
  readonly keys: string;
}

/** Opens a port's one connection; resolves to it and the port's key prefix (`options.prefix`, default `im:`, then `names.keys`). */
export async function connectPort(
  url: string,
  options: RedisPortOptions | undefined,
  names: RedisPortNames,
): Promise<[client: Redis, keyPrefix: string]> {
  const client = await openRedis(url, options?.name ?? names.name, loggerOf(options, names.module), {
    autoPipelining: true,
  });
  return [client, `${options?.prefix ?? DEFAULT_PREFIX}${names.keys}`];
}

/** A port on one Redis connection whose keys all start with `keyPrefix`; `close` quits the connection. */
export abstract class RedisPort {
  protected constructor(
    protected readonly client: Redis,
    protected readonly keyPrefix: string,
  ) {}

  /** The connection is up (for readiness). */
  isReady(): boolean {
    return this.client.status === 'ready';
  }

  async close(): Promise<void> {
    await closeRedis(this.client);
  }
}

/** Options of the Redis call stores (1:1 and multi-party). */
export interface RedisCallRecordOptions extends RedisPortOptions {
  /** Longest a call record lives without a change (a safety net if every gateway of its participants died); default 6 hours. */
  readonly maxIdleMs?: number;
}

/** A port keeping call records that expire `ttlMs` after their last change. */
export abstract class RedisCallRecords extends RedisPort {
  protected constructor(
    [client, keyPrefix]: [Redis, string],
    protected readonly ttlMs: number,
  ) {
    super(client, keyPrefix);
  }

  /** Opens the connection of a call store: the arguments of its constructor. */
  protected static async open(
    url: string,
    options: RedisCallRecordOptions | undefined,
    names: RedisPortNames,
  ): Promise<[port: [Redis, string], ttlMs: number]> {
    return [await connectPort(url, options, names), options?.maxIdleMs ?? 6 * 3600 * 1000];
  }
}
