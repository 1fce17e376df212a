import type { Logger } from '@im/common';
import type { Redis } from 'ioredis';
import type { Delivery, DeliveryBatchItem, DeliveryHandler, DeliveryPort, GatewayLocator } from '../delivery.port';
import { closeRedis, DEFAULT_PREFIX, loggerOf, openPubSub } from './redis.connection';
import type { RedisPortOptions } from './redis.connection';
import { decodeDelivery, decodeGatewayBatch, encodeDelivery } from './redis.delivery.codec';
import { GatewayShares } from './redis.gateway-shares';
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

/** The users of a batch, each once; a recipient list shared by many deliveries (one conversation's) is read once. */
function distinctUsers(items: readonly DeliveryBatchItem[]): string[] {
  const lists = new Set(items.map((i) => i.userIds));
  const users = new Set<string>();
  for (const list of lists) for (const u of list) users.add(u);
  return [...users];
}

export interface RedisDeliveryOptions extends RedisPortOptions {
  /** Where users are (`RedisPresence.gatewaysOf`): `sendMany` routes by gateway with it; absent: by user only. */
  readonly locate?: GatewayLocator;
}

/**
 * DeliveryPort on Redis 7 sharded pub/sub, SPUBLISH on a publisher connection, SSUBSCRIBE on a
 * dedicated subscriber connection. Redis forwards a message only to the connections subscribed
 * to its channel. Two kinds of channel:
 * - per user (`im:dl:{<userId>}`, the user id as hash tag), subscribed by the gateways holding
 *   the user: `send`, and `sendMany` for users the locator does not place (offline, or presence
 *   not yet re-asserted after a Redis restart);
 * - per gateway (`im:dl:gw:{<gatewayId>}`), subscribed by that gateway (`serveGateway`):
 *   `sendMany` looks the batch's users up once (`locate`) and publishes one message per
 *   receiving gateway, naming its users, so a 500-member group message costs a publish per
 *   gateway instead of one per member; the gateway decodes it once and hands each delivery to
 *   the handler of each named user it listens to.
 * Order: a user's deliveries of one `sendMany` all take one route; one Redis server executes one
 * publisher connection's commands in order and pushes the resulting messages to a subscriber
 * connection in that order, whatever the channel, so a user's deliveries from this port never
 * overtake each other (a Redis Cluster, where the two channels may live on different nodes,
 * would lose that). At most once: a delivery sent while a gateway is reconnecting is lost to it,
 * as is one routed to a gateway the user left after the lookup; a user who connects after the
 * lookup is registered in presence before the device's sync reads the store, which then holds
 * the message. Stored messages come back through the device's sync.
 */
export class RedisDeliveryPort implements DeliveryPort {
  private handler: DeliveryHandler | undefined;
  private readonly channelHead: string;
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
  /** This gateway's channel, once `serveGateway` was called. */
  private gatewayChannel: string | undefined;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly locate: GatewayLocator | undefined,
  ) {
    this.channelHead = `${prefix}dl:{`;
    this.subscriptions = new ShardSubscriptions(sub, (err, channel) =>
      log.warn({ err, channel }, 'sunsubscribe failed'),
    );
    sub.on('smessage', (channel: string, payload: string) => this.onMessage(channel, payload));
  }

  static async connect(url: string, options?: RedisDeliveryOptions): Promise<RedisDeliveryPort> {
    const log = loggerOf(options, 'delivery');
    const name = options?.name ?? 'im-delivery';
    const { pub, sub } = await openPubSub(url, name, log);
    return new RedisDeliveryPort(pub, sub, options?.prefix ?? DEFAULT_PREFIX, log, options?.locate);
  }

  /** The channel of what `sendMany` routes to a gateway. */
  gatewayChannelOf(gatewayId: string): string {
    return `${this.prefix}dl:gw:{${gatewayId}}`;
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

  /**
   * Every delivery of a batch in one pipeline, each payload encoded once: one publish per
   * receiving gateway (at most 200 deliveries each) for the users the locator places, one per
   * user for the others. One presence lookup per call.
   */
  async sendMany(items: readonly DeliveryBatchItem[]): Promise<void> {
    const wanted = items.filter((i) => i.userIds.length > 0);
    if (wanted.length === 0) return;
    const located = this.locate ? await this.locate(distinctUsers(wanted)) : new Map();
    const shares = new GatewayShares(located);
    const commands: string[][] = [];
    for (const { userIds, delivery } of wanted) {
      const payload = encodeDelivery(delivery);
      for (const u of shares.add(userIds, payload)) commands.push(['spublish', this.channelOf(u), payload]);
    }
    for (const [gatewayId, message] of shares.messages())
      commands.push(['spublish', this.gatewayChannelOf(gatewayId), message]);
    const results = await this.pub.pipeline(commands).exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  async serveGateway(gatewayId: string): Promise<void> {
    const channel = this.gatewayChannelOf(gatewayId);
    if (this.gatewayChannel === channel) return;
    if (this.gatewayChannel !== undefined) throw new Error('this port already serves another gateway');
    this.gatewayChannel = channel;
    await this.subscriptions.acquire(channel);
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
    if (!this.subscriptions.has(channel)) return;
    if (channel === this.gatewayChannel) {
      this.onGatewayBatch(channel, payload);
      return;
    }
    if (!channel.startsWith(this.channelHead)) return;
    if (this.last?.payload !== payload) this.last = { payload, delivery: decodeDelivery(payload) };
    const { delivery } = this.last;
    if (delivery instanceof Error) {
      this.drop(channel, delivery, 'malformed delivery dropped');
      return;
    }
    this.hand(channel, channel.slice(this.channelHead.length, -1), delivery);
  }

  /** A gateway's share of a batch: each delivery to each named user this port still listens to. */
  private onGatewayBatch(channel: string, payload: string): void {
    const batch = decodeGatewayBatch(payload);
    if (batch instanceof Error) {
      this.drop(channel, batch, 'malformed delivery batch dropped');
      return;
    }
    // Who of each list this port still listens to, once per list (a conversation's deliveries share one).
    const listened = batch.users.map((users) => users.filter((u) => this.subscriptions.has(this.channelOf(u))));
    for (const [index, delivery] of batch.deliveries)
      for (const userId of listened[index] ?? []) this.hand(channel, userId, delivery);
  }

  private hand(channel: string, userId: string, delivery: Delivery): void {
    try {
      this.handler?.(userId, delivery);
    } catch (err) {
      this.drop(channel, err, 'delivery handler threw');
    }
  }

  private drop(channel: string, err: unknown, msg: string): void {
    this.dropped += 1;
    this.log.warn({ err, channel }, msg);
  }
}
