import type { ImTopics } from './contracts/topic-map';

/** A record on the bus. `key` decides ordering: records with one key are handled in order. */
export interface BusRecord<T = unknown> {
  readonly topic: string;
  readonly key: string;
  readonly value: T;
}

/** A handler's return value is the reply to `request`; a thrown error is retried, then dead-lettered. */
export type BusHandler<T = unknown, R = unknown> = (record: BusRecord<T>) => Promise<R>;

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

/** The record and reply types of one topic. */
export interface TopicTypes {
  readonly record: unknown;
  readonly reply: unknown;
}

/** A map from topic name to its types, by which a `Bus` is keyed (`ImTopics`: the system's topics, from their contracts). */
export type TopicTypeMap = { readonly [topic: string]: TopicTypes };

/**
 * Any topic name, any value: the map of a bus that is not about this system's topics (the bus's
 * own contract tests, Kafka tests on scratch topics). Production code uses `ImTopics`.
 */
export type OpenTopics = { readonly [topic: string]: { readonly record: unknown; readonly reply: unknown } };

/** The topics of map `M`. */
export type TopicOf<M extends TopicTypeMap = ImTopics> = keyof M & string;
/** What a record of topic `K` carries. */
export type RecordOf<K extends TopicOf<M>, M extends TopicTypeMap = ImTopics> = M[K]['record'];
/** What a request on topic `K` resolves with. */
export type ReplyOf<K extends TopicOf<M>, M extends TopicTypeMap = ImTopics> = M[K]['reply'];
/** The topics of `M` whose records are requests (their reply is not `never`). */
export type RequestTopic<M extends TopicTypeMap = ImTopics> = {
  [K in TopicOf<M>]: [M[K]['reply']] extends [never] ? never : K;
}[TopicOf<M>];
/** What a subscriber's handler of topic `K` returns: the reply of a request topic, anything (dropped) on a stream. */
export type HandlerReplyOf<K extends TopicOf<M>, M extends TopicTypeMap = ImTopics> = [M[K]['reply']] extends [never]
  ? unknown
  : M[K]['reply'];

/**
 * The bus between gateways and services, keyed by the topic map `M` (default: this system's
 * topics, `ImTopics`), so a record of the wrong type for its topic does not compile and
 * go-to-definition leads from a call site to the topic's contract.
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
export interface Bus<M extends TopicTypeMap = ImTopics> {
  publish<K extends TopicOf<M>>(topic: K, key: string, value: RecordOf<K, M>): Promise<void>;
  request<K extends RequestTopic<M>>(
    topic: K,
    key: string,
    value: RecordOf<K, M>,
    options?: RequestOptions,
  ): Promise<ReplyOf<K, M>>;
  subscribe<K extends TopicOf<M>>(
    topic: K,
    group: string,
    handler: BusHandler<RecordOf<K, M>, HandlerReplyOf<K, M>>,
  ): Promise<Subscription>;
  /** As `subscribe`, with whole batches handled at once while they succeed (publish-only topics). */
  subscribeBatch<K extends TopicOf<M>>(
    topic: K,
    group: string,
    handlers: BatchHandlers<RecordOf<K, M>>,
  ): Promise<Subscription>;
  close(): Promise<void>;
}

export function deadLetterTopic<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}
