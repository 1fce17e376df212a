import type { Logger } from '@im/common';
import type { Redis } from 'ioredis';
import type { Delivery, DeliveryBatchItem, DeliveryHandler, DeliveryPort } from '../delivery.port';
import { closeRedis, DEFAULT_PREFIX, loggerOf, openRedis } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';
import { decodeDelivery, encodeDelivery } from './redis.delivery.codec';
import { ShardSubscriptions } from './redis.shard-subscriptions';

/** What this port's subscriber connection has seen, for metrics and tests. */
export interface DeliveryStats {
  /** Messages that arrived on the subscriber connection, whatever became of them. */
  readonly received: number;
  /** Messages that could not be decoded, or whose handler threw. */
  readonly dropped: number;
  /** Users listened to now. */
  readonly listening: number;
}

/**
 * DeliveryPort on Redis 7 sharded pub/sub: one channel per user (`im:dl:{<userId>}`, the user
 * id as hash tag), SPUBLISH on a publisher connection, SSUBSCRIBE on a dedicated subscriber
 * connection. Redis forwards a message only to the connections subscribed to its channel, so a
 * delivery reaches only the gateways holding the user; one channel per user keeps that user's
 * deliveries in publish order. At most once: a delivery sent while a gateway is reconnecting is
 * lost to it, and stored messages come back through the device's sync.
 */
export class RedisDeliveryPort implements DeliveryPort {
  private handler: DeliveryHandler | undefined;
  private readonly subscriptions: ShardSubscriptions;
  private received = 0;
  /**
   * The last payload decoded and what it decoded to: a group message reaches a gateway as one
   * copy per member it holds, one after another (`sendMany` publishes them together), so it is
   * decoded once per gateway, not once per member. Deliveries are never mutated downstream.
   */
  private last: { payload: string; delivery: Delivery | Error } | undefined;
  private dropped = 0;
  private closed = false;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channelHead: string,
    private readonly log: Logger,
  ) {
    this.subscriptions = new ShardSubscriptions(sub, (err, channel) =>
      log.warn({ err, channel }, 'sunsubscribe failed'),
    );
    sub.on('smessage', (channel: string, payload: string) => this.onMessage(channel, payload));
  }

  static async connect(url: string, options?: RedisPortOptions): Promise<RedisDeliveryPort> {
    const log = loggerOf(options, 'delivery');
    const name = options?.name ?? 'im-delivery';
    const pub = await openRedis(url, `${name}:pub`, log);
    const sub = await openRedis(url, `${name}:sub`, log).catch(async (err: unknown) => {
      await closeRedis(pub);
      throw err;
    });
    return new RedisDeliveryPort(pub, sub, `${options?.prefix ?? DEFAULT_PREFIX}dl:{`, log);
  }

  /** The channel of a user's deliveries. */
  channelOf(userId: string): string {
    return `${this.channelHead}${userId}}`;
  }

  async send(userIds: readonly string[], delivery: Delivery): Promise<void> {
    const channels = [...new Set(userIds)].map((u) => this.channelOf(u));
    if (channels.length === 0) return;
    const payload = encodeDelivery(delivery);
    if (channels.length === 1) {
      await this.pub.spublish(channels[0] ?? '', payload);
      return;
    }
    const results = await this.pub.pipeline(channels.map((c) => ['spublish', c, payload])).exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** Every delivery of a batch in one pipeline; each payload encoded once, whatever its number of users. */
  async sendMany(items: readonly DeliveryBatchItem[]): Promise<void> {
    const commands: string[][] = [];
    for (const { userIds, delivery } of items) {
      if (userIds.length === 0) continue;
      const payload = encodeDelivery(delivery);
      for (const u of new Set(userIds)) commands.push(['spublish', this.channelOf(u), payload]);
    }
    if (commands.length === 0) return;
    const results = await this.pub.pipeline(commands).exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** Both connections are up (for readiness): while Redis is unreachable, live deliveries are lost and only sync recovers them. */
  isReady(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  listen(userId: string): Promise<void> {
    return this.subscriptions.acquire(this.channelOf(userId));
  }

  unlisten(userId: string): Promise<void> {
    return this.subscriptions.release(this.channelOf(userId));
  }

  onDelivery(handler: DeliveryHandler): void {
    this.handler = handler;
  }

  stats(): DeliveryStats {
    return { received: this.received, dropped: this.dropped, listening: this.subscriptions.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.subscriptions.clear();
    await Promise.all([closeRedis(this.sub), closeRedis(this.pub)]);
  }

  private onMessage(channel: string, payload: string): void {
    this.received += 1;
    if (!this.subscriptions.has(channel) || !channel.startsWith(this.channelHead)) return;
    if (this.last?.payload !== payload) this.last = { payload, delivery: decodeDelivery(payload) };
    const { delivery } = this.last;
    if (delivery instanceof Error) {
      this.drop(channel, delivery, 'malformed delivery dropped');
      return;
    }
    try {
      this.handler?.(channel.slice(this.channelHead.length, -1), delivery);
    } catch (err) {
      this.drop(channel, err, 'delivery handler threw');
    }
  }

  private drop(channel: string, err: unknown, msg: string): void {
    this.dropped += 1;
    this.log.warn({ err, channel }, msg);
  }
}
