import type { Clock } from '@im/common';

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * A token bucket per client address for socket handshakes: `burst` at once, `perMinute`
 * sustained. The table is bounded: buckets that have refilled are dropped when it grows past
 * `maxEntries`, and if every one is still draining the oldest go first.
 */
export class HandshakeLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly clock: Clock,
    private readonly maxEntries = 100_000,
  ) {}

  /** True when `address` may start a handshake now (and counts it). */
  take(address: string): boolean {
    const now = this.clock.now();
    const b = this.buckets.get(address) ?? { tokens: this.burst, last: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.last) / 60_000) * this.perMinute);
    b.last = now;
    this.buckets.delete(address);
    this.buckets.set(address, b);
    if (this.buckets.size > this.maxEntries) this.sweep(now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.last) / 60_000) * this.perMinute >= this.burst) this.buckets.delete(k);
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.maxEntries) break;
      this.buckets.delete(k);
    }
  }
}
