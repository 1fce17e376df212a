import { AppError, startPeriodicTask } from '@im/common';
import type { Logger, PeriodicTask } from '@im/common';

export interface BacklogGuardOptions {
  /** Above this many records behind, new messages are refused; 0 turns the guard off. */
  readonly max: number;
  /**
   * Above this many records behind (and under `max`), a new message waits before it is published
   * until a read finds the backlog back under it, `maxHoldMs` at most; 0: no waiting.
   */
  readonly hold?: number;
  /** The longest a message waits under `hold`; default 2,000 ms. */
  readonly maxHoldMs?: number;
  /** How often the backlog is read. */
  readonly everyMs: number;
}

/**
 * Back-pressure from the message service to the senders. The gateway acknowledges a message once
 * it is durable in Kafka, so without a limit a slow or stopped message service lets senders run
 * minutes ahead of delivery while the backlog grows without bound. Every `everyMs` this reads how
 * far the message service's consumer group is behind on `im.messages`; above `max` records, new
 * messages are refused with IM_ERR_UNAVAILABLE (the client retries with the same msgId), until the
 * backlog is back under half of `max`. A failed read leaves the gate open (a Kafka that cannot
 * answer fails the publish anyway, with the same error).
 *
 * Before that, from `hold` records behind, new messages wait (`admit`) instead of being refused:
 * the sender's acknowledgement comes later, so a client with a window of sends in flight slows
 * to the rate the message service stores, with no error and no retry back-off, and the
 * acknowledged-but-undelivered backlog stays near `hold` instead of growing to `max`.
 */
export class BacklogGuard {
  private closed = false;
  private refusing = false;
  private holding = false;
  /** Messages waiting under `hold`: each is let go by a read under it, or by its own timer. */
  private readonly held = new Set<() => void>();
  private reads: PeriodicTask | undefined;
  private lastBacklog = 0;

  constructor(
    private readonly read: () => Promise<number>,
    private readonly options: BacklogGuardOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts the periodic reads (none when `max` is 0). */
  start(): this {
    if (this.options.max > 0 && !this.reads) {
      this.reads = startPeriodicTask(() => this.readOnce(), {
        name: 'message backlog read',
        everyMs: this.options.everyMs,
        logger: this.logger,
        runAtStart: true,
      });
    }
    return this;
  }

  /**
   * Resolves when a new message may be published: at once, or (over `hold`) once the backlog is
   * back under it or `maxHoldMs` has passed. Throws IM_ERR_UNAVAILABLE while over `max`.
   */
  async admit(): Promise<void> {
    this.check();
    if (!this.holding) return;
    await new Promise<void>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, this.options.maxHoldMs ?? 2000);
      this.held.add(release);
    });
    this.check();
  }

  /** Messages waiting under `hold` now (for tests and metrics). */
  get waiting(): number {
    return this.held.size;
  }

  /** Throws IM_ERR_UNAVAILABLE while the backlog is over the limit. */
  check(): void {
    if (this.refusing) {
      throw new AppError(
        'IM_ERR_UNAVAILABLE',
        `the server is busy (${this.lastBacklog} messages waiting to be stored); retry with the same msgId in a moment`,
      );
    }
  }

  get backlog(): number {
    return this.lastBacklog;
  }

  /** One read of the backlog now (once started: joining a read under way); exposed for tests. */
  poll(): Promise<void> {
    return this.reads ? this.reads.runNow() : this.readOnce();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.letGo();
    await this.reads?.stop();
  }

  private letGo(): void {
    this.holding = false;
    for (const release of [...this.held]) release();
  }

  private async readOnce(): Promise<void> {
    let backlog: number;
    try {
      backlog = await this.read();
    } catch (err) {
      if (this.refusing) this.logger.warn({ err }, 'could not read the message backlog; accepting messages again');
      this.refusing = false;
      this.letGo();
      return;
    }
    if (this.closed) return;
    this.lastBacklog = backlog;

    const { max } = this.options;
    if (!this.refusing && backlog > max) {
      this.refusing = true;
      this.logger.warn({ backlog, max }, 'message backlog over the limit: refusing new messages until it halves');
    } else if (this.refusing && backlog <= max / 2) {
      this.refusing = false;
      this.logger.info({ backlog, max }, 'message backlog back under half the limit: accepting messages again');
    }
    // Held messages go on once the backlog is under `hold`, and are refused once it is over `max`.
    const hold = this.options.hold ?? 0;
    if (hold > 0 && backlog > hold && !this.refusing) this.holding = true;
    else this.letGo();
  }
}
