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
 */
export async function openRedis(url: string, name: string, logger: Logger): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, connectionName: name });
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
