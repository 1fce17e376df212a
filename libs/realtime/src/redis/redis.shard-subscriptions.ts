import type { Redis } from 'ioredis';

interface Entry {
  count: number;
  /** Settles when Redis has confirmed the SSUBSCRIBE. */
  readonly confirmed: Promise<void>;
}

/**
 * Reference-counted sharded subscriptions on one subscriber connection: the first `acquire` of a
 * channel sends SSUBSCRIBE, the last `release` sends SUNSUBSCRIBE. Commands leave one connection
 * in call order, so acquire → release → acquire ends subscribed. After a reconnect ioredis
 * re-sends SSUBSCRIBE for every confirmed channel (`autoResubscribe`, sharded channels included).
 */
export class ShardSubscriptions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly sub: Redis,
    private readonly onUnsubscribeError: (err: unknown, channel: string) => void,
  ) {}

  has(channel: string): boolean {
    return this.entries.has(channel);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Resolves once the subscription is confirmed; a failed one is rolled back and rejects. */
  async acquire(channel: string): Promise<void> {
    const entry = this.entries.get(channel) ?? this.subscribe(channel);
    entry.count += 1;
    try {
      await entry.confirmed;
    } catch (err) {
      await this.release(channel);
      throw err;
    }
  }

  /** Stops delivering at once; a SUNSUBSCRIBE failure is reported, not thrown. */
  async release(channel: string): Promise<void> {
    const entry = this.entries.get(channel);
    if (!entry) return;
    entry.count -= 1;
    if (entry.count > 0) return;
    this.entries.delete(channel);
    try {
      await this.sub.sunsubscribe(channel);
    } catch (err) {
      this.onUnsubscribeError(err, channel);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private subscribe(channel: string): Entry {
    const entry: Entry = { count: 0, confirmed: this.sub.ssubscribe(channel).then(() => undefined) };
    this.entries.set(channel, entry);
    return entry;
  }
}
