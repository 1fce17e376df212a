import { KeyedLanes } from '@im/common';
import type { Logger } from '@im/common';
import { deadLetterTopic } from './bus.port';
import type { Bus, BusBatchHandler, BusHandler, BusRecord, DeadLetter, RequestOptions, Subscription } from './bus.port';
import type { TopicTypeMap } from './bus.port';
import type { ImTopics } from './contracts/topic-map';

interface Waiting {
  readonly record: BusRecord;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

interface Group {
  readonly name: string;
  readonly handler: BusHandler;
  /** One lane per key: one key is handled in order while keys run in parallel. */
  readonly lanes: KeyedLanes;
  /** Batch subscriptions: what was published since the running batch started, and that batch. */
  readonly batch?: BusBatchHandler;
  waiting: Waiting[];
  running: Promise<void> | undefined;
  closed: boolean;
}

/** Records handed to one batch handler call at most. */
const MAX_BATCH = 1000;

export interface InMemoryBusOptions {
  /** Attempts before a record is dead-lettered; default 3. */
  readonly maxAttempts?: number;
  /** Pause between attempts in ms; default 50. */
  readonly retryDelayMs?: number;
  readonly logger?: Logger;
  /** Told of every record this bus dead-letters (metrics, alerts). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The embedded-mode bus: one process, no durability of its own. `publish` waits for every
 * group's handler, so "durable" means "the owning service has stored it".
 */
export class InMemoryBus<M extends TopicTypeMap = ImTopics> implements Bus<M> {
  private readonly topics = new Map<string, Group[]>();
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: InMemoryBusOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  readonly publish: Bus<M>['publish'] = (topic, key, value) => this.publishRecord({ topic, key, value });

  /** The reply is typed by the topic's contract, which types the handler that answers it. */
  readonly request = this.requestRecord.bind(this) as Bus<M>['request'];

  readonly subscribe: Bus<M>['subscribe'] = (topic, group, handler) =>
    this.add(topic, {
      name: group,
      handler: handler as BusHandler,
      lanes: new KeyedLanes(),
      waiting: [],
      running: undefined,
      closed: false,
    });

  /**
   * What is published while a batch runs is gathered into the next one (at most 1,000 records),
   * so one handler call (one SQLite transaction in embedded mode) takes everything that arrived
   * meanwhile; each `publish` resolves once its batch is done.
   */
  readonly subscribeBatch: Bus<M>['subscribeBatch'] = (topic, group, handlers) =>
    this.add(topic, {
      name: group,
      handler: handlers.record as BusHandler,
      batch: handlers.batch as BusBatchHandler,
      lanes: new KeyedLanes(),
      waiting: [],
      running: undefined,
      closed: false,
    });

  private async publishRecord(record: BusRecord): Promise<void> {
    await Promise.all(this.groupsOf(record.topic).map((g) => this.enqueue(g, record)));
  }

  private async requestRecord(topic: string, key: string, value: unknown, options?: RequestOptions): Promise<unknown> {
    const groups = this.groupsOf(topic);
    const first = groups[0];
    if (!first) throw new Error(`no handler for ${topic}`);
    const timeoutMs = options?.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`request on ${topic} timed out`)), timeoutMs);
    });
    try {
      const run = first.lanes.run(key, () => first.handler({ topic, key, value }));
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private add(topic: string, g: Group): Promise<Subscription> {
    this.topics.set(topic, [...this.groupsOf(topic), g]);
    return Promise.resolve({
      close: async () => {
        g.closed = true;
        this.topics.set(
          topic,
          this.groupsOf(topic).filter((x) => x !== g),
        );
        await Promise.allSettled([g.lanes.settled(), g.running]);
      },
    });
  }

  async close(): Promise<void> {
    const all = [...this.topics.values()].flat();
    this.topics.clear();
    await Promise.allSettled(all.flatMap((g) => [g.lanes.settled(), g.running]));
  }

  private groupsOf(topic: string): Group[] {
    return this.topics.get(topic) ?? [];
  }

  /**
   * Nothing in this process outlives a dead-lettered record, so `publish` must not resolve as if
   * it were durable: it rejects, and the publisher (a gateway) answers its client with an error
   * instead of an acknowledgement.
   */
  private enqueue(g: Group, record: BusRecord): Promise<void> {
    if (g.batch) {
      return new Promise<void>((resolve, reject) => {
        g.waiting.push({ record, resolve, reject });
        g.running ??= this.runBatches(g);
      });
    }
    return this.handleOne(g, record);
  }

  private async runBatches(g: Group): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (g.waiting.length > 0) {
      const batch = g.waiting.slice(0, MAX_BATCH);
      g.waiting = g.waiting.slice(batch.length);
      if (g.closed) {
        batch.forEach((w) => w.resolve());
        continue;
      }
      try {
        await g.batch?.(batch.map((w) => w.record));
        batch.forEach((w) => w.resolve());
      } catch {
        // One by one, keys side by side and each key in order, with the record handler's retries.
        await Promise.all(batch.map((w) => this.handleOne(g, w.record).then(w.resolve, w.reject)));
      }
    }
    g.running = undefined;
  }

  private handleOne(g: Group, record: BusRecord): Promise<void> {
    return g.lanes.run(record.key, async () => {
      const error = await this.handleWithRetry(g, record);
      if (error !== undefined) throw new Error(`record dead-lettered by ${g.name}: ${error}`);
    });
  }

  /** Resolves with the error of a record that was dead-lettered, undefined when it was handled. */
  private async handleWithRetry(g: Group, record: BusRecord): Promise<string | undefined> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (g.closed) return undefined;
      try {
        await g.handler(record);
        return undefined;
      } catch (e) {
        lastError = e;
        if (attempt < this.maxAttempts) await delay(this.retryDelayMs * attempt);
      }
    }
    return this.deadLetter(g, record, lastError);
  }

  private async deadLetter(g: Group, record: BusRecord, error: unknown): Promise<string> {
    const letter: DeadLetter = {
      topic: record.topic,
      key: record.key,
      value: record.value,
      group: g.name,
      error: error instanceof Error ? error.message : String(error),
      attempts: this.maxAttempts,
      failedAt: Date.now(),
    };
    this.options.logger?.error(
      { topic: record.topic, key: record.key, group: g.name, err: letter.error },
      'record dead-lettered',
    );
    if (record.topic.endsWith('.dlq')) return letter.error;
    this.options.onDeadLetter?.(letter);
    await this.publishRecord({ topic: deadLetterTopic(record.topic), key: record.key, value: letter }).catch(
      () => undefined,
    );
    return letter.error;
  }
}
