/** The outcome of one item of a coalesced batch. */
export type ItemResult<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

export interface CoalescerOptions {
  /** Items per batch at most. */
  readonly maxBatch: number;
  /** Batches running at once at most; items submitted meanwhile wait and form the next batch. */
  readonly maxInFlight: number;
}

interface Waiting<I, O> {
  readonly input: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * "Group commit": single-item calls made while earlier batches are under way are gathered and run
 * as one batch (one `insertMany`, one `$in` read) instead of one round trip each. An idle
 * coalescer adds no wait: the items submitted in the same turn of the event loop go at once.
 * `run` answers per item, in the order of its inputs (one item's failure is that item's); if
 * `run` throws, every item of the batch fails with that error.
 */
export class Coalescer<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (inputs: readonly I[]) => Promise<readonly ItemResult<O>[]>,
    private readonly options: CoalescerOptions,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new Error('Coalescer: maxBatch must be a positive integer');
    if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1)
      throw new Error('Coalescer: maxInFlight must be a positive integer');
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Items waiting for a batch (for tests and diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: readonly Waiting<I, O>[]): Promise<void> {
    let results: readonly ItemResult<O>[];
    try {
      results = await this.run(batch.map((w) => w.input));
      if (results.length !== batch.length)
        throw new Error(`Coalescer: the batch of ${batch.length} got ${results.length} results`);
    } catch (error: unknown) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i] as ItemResult<O>;
      if (r.ok) w.resolve(r.value);
      else w.reject(r.error);
    });
  }
}
