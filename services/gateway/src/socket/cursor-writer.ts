import { startPeriodicTask } from '@im/common';
import type { Logger, PeriodicTask } from '@im/common';
import type { CursorAdvance, CursorRepository } from '@im/store';

/** Ids never hold a NUL, so joining on it keeps keys distinct (cheaper than JSON on every acknowledgement). */
const keyOf = (c: Pick<CursorAdvance, 'userId' | 'deviceId' | 'conversationId'>): string =>
  `${c.userId}\u0000${c.deviceId}\u0000${c.conversationId}`;

/**
 * The gateway's device cursors on their way to the store: every acknowledgement only moves a
 * number in memory; every `IM_CURSOR_FLUSH_MS` the cursors that moved since the last write go to
 * the store in one bulk write (`advanceMany`), so a device's cursor is written at most once per
 * interval, and a device's are written at once when it
 * disconnects. A crash loses at most the last interval's moves: those messages are sent again
 * at the device's next sync (the client drops seqs it has), never lost, since a cursor only
 * ever trails what the device acknowledged.
 */
export class CursorWriter {
  private pending = new Map<string, CursorAdvance>();
  private writing: Promise<void> | undefined;
  private readonly timer: PeriodicTask;

  constructor(
    private readonly cursors: CursorRepository,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.timer = startPeriodicTask(() => this.flush(), { name: 'cursor flush', everyMs: intervalMs, logger });
  }

  /** The device acknowledged everything up to `seq` in this conversation (or stream). */
  note(userId: string, deviceId: string, conversationId: string, seq: number): void {
    const key = keyOf({ userId, deviceId, conversationId });
    const known = this.pending.get(key);
    if (known && known.seq >= seq) return;
    this.pending.set(key, { userId, deviceId, conversationId, seq });
  }

  /** Writes one device's moved cursors now (at disconnect), and waits for any write under way. */
  async flushDevice(userId: string, deviceId: string): Promise<void> {
    const mine = [...this.pending].filter(([, c]) => c.userId === userId && c.deviceId === deviceId);
    for (const [key] of mine) this.pending.delete(key);
    await this.writing;
    if (mine.length > 0) await this.write(mine.map(([, c]) => c));
  }

  /** Writes every moved cursor now; one write at a time. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.write(batch).finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** Stops the timer (waiting for a flush under way), then writes what is left. */
  async close(): Promise<void> {
    await this.timer.stop();
    await this.flush();
  }

  private async write(batch: readonly CursorAdvance[]): Promise<void> {
    try {
      await this.cursors.advanceMany(batch);
    } catch (err) {
      // Kept for the next round (unless a later ack moved it further meanwhile).
      for (const c of batch) this.note(c.userId, c.deviceId, c.conversationId, c.seq);
      this.logger.warn({ err, cursors: batch.length }, 'cursor write failed; retrying on the next round');
    }
  }
}
