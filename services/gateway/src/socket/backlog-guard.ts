import { AppError, startPeriodicTask } from '@im/common';
import type { Logger, PeriodicTask } from '@im/common';

export interface BacklogGuardOptions {
  /** Above this many records behind, new messages are refused; 0 turns the guard off. */
  readonly max: number;
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
 */
export class BacklogGuard {
  private closed = false;
  private refusing = false;
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
    await this.reads?.stop();
  }

  private async readOnce(): Promise<void> {
    let backlog: number;
    try {
      backlog = await this.read();
    } catch (err) {
      if (this.refusing) this.logger.warn({ err }, 'could not read the message backlog; accepting messages again');
      this.refusing = false;
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
  }
}
