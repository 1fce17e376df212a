export interface BatcherOptions {
  /** How long the first record of an idle batcher waits for company. */
  readonly lingerMs: number;
  readonly maxRecords: number;
  readonly maxBytes: number;
}

interface Entry<T> {
  readonly item: T;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The linger kafkajs lacks: concurrent `add`s share one `send` call, and each `add` settles
 * with the batch it travelled in. One batch is in flight at a time, so records leave in `add`
 * order even when kafkajs retries a request (no reordering within a key), and whatever
 * arrives during a round trip forms the next batch (Nagle-style: load makes batches bigger).
 */
export class KafkaProducerBatcher<T> {
  private queue: Entry<T>[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly send: (items: readonly T[]) => Promise<void>,
    private readonly options: BatcherOptions,
  ) {}

  add(item: T, bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, bytes, resolve, reject });
      this.queuedBytes += bytes;
      this.schedule();
    });
  }

  /** Resolves once everything added so far has been sent (or has failed). */
  async flush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      if (!this.inFlight) this.sendNext();
      await this.inFlight;
    }
  }

  private schedule(): void {
    if (this.inFlight) return; // the next batch leaves when this one is acknowledged
    if (this.queue.length >= this.options.maxRecords || this.queuedBytes >= this.options.maxBytes) {
      this.sendNext();
      return;
    }
    this.timer ??= setTimeout(() => this.sendNext(), this.options.lingerMs);
  }

  private sendNext(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.take();
    if (batch.length === 0) return;
    this.inFlight = this.sendAndSettle(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) this.sendNext();
    });
  }

  private async sendAndSettle(batch: readonly Entry<T>[]): Promise<void> {
    try {
      await this.send(batch.map((e) => e.item));
      for (const e of batch) e.resolve();
    } catch (error) {
      for (const e of batch) e.reject(error);
    }
  }

  private take(): Entry<T>[] {
    let count = 0;
    let bytes = 0;
    for (const e of this.queue) {
      if (count === this.options.maxRecords || (count > 0 && bytes + e.bytes > this.options.maxBytes)) break;
      count++;
      bytes += e.bytes;
    }
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }
}
