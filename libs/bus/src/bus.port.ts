/** A record on the bus. `key` decides ordering: records with one key are handled in order. */
export interface BusRecord<T = unknown> {
  readonly topic: string;
  readonly key: string;
  readonly value: T;
}

/** A handler's return value is the reply to `request`; a thrown error is retried, then dead-lettered. */
export type BusHandler<T = unknown> = (record: BusRecord<T>) => Promise<unknown>;

/**
 * Takes a whole batch of records (a fetched Kafka batch of one partition, or what the in-process
 * bus gathered in one turn), in publish order. Resolving means every record is done. A transient
 * error retries the batch; any other error hands each record of it to the record handler, one by
 * one (per key in order), which retries and dead-letters as `subscribe` does. So the batch
 * handler must be idempotent per record, as every handler is.
 */
export type BusBatchHandler<T = unknown> = (records: readonly BusRecord<T>[]) => Promise<void>;

export interface BatchHandlers<T = unknown> {
  readonly batch: BusBatchHandler<T>;
  readonly record: BusHandler<T>;
}

export interface Subscription {
  close(): Promise<void>;
}

/** What a dead-letter topic (`<topic>.dlq`) carries. */
export interface DeadLetter {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  readonly group: string;
  readonly error: string;
  readonly attempts: number;
  readonly failedAt: number;
}

export interface RequestOptions {
  /** How long to wait for the handler's reply; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * The bus between gateways and services.
 *
 * - `publish` resolves only once the record is durable. Kafka: written with acks=all. The
 *   in-process bus holds nothing durable itself: it resolves once every subscribed group has
 *   handled the record, and rejects when a group dead-letters it.
 * - Each group sees every record once per successful handling (at-least-once); records with
 *   one key reach a group's handler one at a time, in publish order.
 * - A record whose handler keeps failing is written to `<topic>.dlq` as a `DeadLetter` and the
 *   group moves on to the next record.
 * - `request` publishes a command and resolves with the reply of the one group that handles it.
 */
export interface Bus {
  publish<T>(topic: string, key: string, value: T): Promise<void>;
  request<R = unknown, T = unknown>(topic: string, key: string, value: T, options?: RequestOptions): Promise<R>;
  subscribe<T>(topic: string, group: string, handler: BusHandler<T>): Promise<Subscription>;
  /** As `subscribe`, with whole batches handled at once while they succeed (publish-only topics). */
  subscribeBatch<T>(topic: string, group: string, handlers: BatchHandlers<T>): Promise<Subscription>;
  close(): Promise<void>;
}

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
