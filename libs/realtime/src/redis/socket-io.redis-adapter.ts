import type { Logger } from '@im/common';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { closeRedis, loggerOf, openPubSub } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';

export interface SocketIoRedisAdapterOptions extends Pick<RedisPortOptions, 'logger' | 'name'> {
  /** Prefix of the adapter's channels; default `socket.io` (the adapter's own default). */
  readonly channelPrefix?: string;
}

export interface SocketIoRedisAdapter {
  /** For `new Server(..., { adapter })`. */
  readonly adapter: ReturnType<typeof createShardedAdapter>;
  /** Messages that arrived on the subscriber connection (metrics, tests). */
  received(): number;
  /** Quits both connections; call it after `io.close()`, which unsubscribes the namespaces. */
  close(): Promise<void>;
}

type Listener = (...args: unknown[]) => void;

/**
 * The subscriber as the sharded adapter sees it: exactly what it calls on an ioredis client
 * (`on('smessageBuffer')`, `ssubscribe`, `sunsubscribe`). The adapter fires (S)SUBSCRIBEs without
 * handling their promises, so a Redis outage longer than ioredis' retries (or a late room change
 * after close) would be an unhandled rejection, which ends a Node process; here it is logged.
 */
function guardedSubscriber(sub: Redis, log: Logger): object {
  const report = (command: string) => (err: unknown) =>
    void log.warn({ err, command }, 'socket.io adapter subscription failed');
  const guarded = {
    on(event: string, listener: Listener): object {
      sub.on(event, listener);
      return guarded;
    },
    ssubscribe: (...channels: (string | string[])[]) => sub.ssubscribe(...channels.flat()).catch(report('ssubscribe')),
    sunsubscribe: (...channels: (string | string[])[]) =>
      sub.sunsubscribe(...channels.flat()).catch(report('sunsubscribe')),
  };
  return guarded;
}

/**
 * Socket.IO's sharded Redis adapter (Redis 7 SPUBLISH/SSUBSCRIBE) on ioredis, in `dynamic`
 * subscription mode: one channel per public room, so a room's broadcasts reach only the servers
 * with sockets in that room.
 */
export async function createSocketIoRedisAdapter(
  url: string,
  options?: SocketIoRedisAdapterOptions,
): Promise<SocketIoRedisAdapter> {
  const log = loggerOf(options, 'socket.io-adapter');
  const name = options?.name ?? 'im-sio';
  const { pub, sub } = await openPubSub(url, name, log);
  let received = 0;
  sub.on('smessageBuffer', () => void (received += 1));
  const adapter = createShardedAdapter(pub, guardedSubscriber(sub, log), {
    subscriptionMode: 'dynamic',
    ...(options?.channelPrefix !== undefined ? { channelPrefix: options.channelPrefix } : {}),
  });
  return {
    adapter,
    received: () => received,
    close: async () => void (await Promise.all([closeRedis(sub), closeRedis(pub)])),
  };
}
