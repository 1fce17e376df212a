/**
 * What one topic carries, as types and as data: the record (value) type, the reply type of a
 * request topic, the key function, and the documentation the AsyncAPI document (`GET
 * /asyncapi.json`), README's topic table and docs/topics.md are made from. One contract per topic,
 * in the contracts file of its domain; `topic-map.ts` gathers them into the map the `Bus` is keyed by.
 */
export interface TopicContract<N extends string = string, V = unknown, R = unknown> {
  /** The logical name (prefixed `<IM_KAFKA_NAMESPACE>.` when a namespace is set). */
  readonly topic: N;
  /** `request`: each record expects a reply (a `CommandReply`) on `im.replies`, keyed by the requesting instance. */
  readonly pattern: 'stream' | 'request';
  /** The record's key: records with one key stay on one partition and are handled in order. */
  readonly key: (value: V) => string;
  readonly doc: TopicDoc;
  /** Carries the record and reply types for the type map; never set at run time. */
  readonly types?: { readonly record: V; readonly reply: R };
}

/** How people read a topic: docs/topics.md, README and the AsyncAPI document say the same. */
export interface TopicDoc {
  /** What the key is, in words. */
  readonly key: string;
  readonly producers: readonly string[];
  /** The consumer group, or the outside system that reads it. */
  readonly consumer: string;
  readonly description: string;
  /** The TypeScript type of a record's value (in libs/bus/src/contracts/). */
  readonly payloadType: string;
}

/** What a command handler replies: a value, or a registry error name with its reason. */
export type CommandReply<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly reason: string };

/**
 * A topic whose records are handled and forgotten (no reply): `streamTopic<Value>()(name, key, doc)`.
 * (Curried so that the value type is given and the name's literal type inferred.)
 */
export function streamTopic<V>() {
  return <const N extends string>(topic: N, key: (value: V) => string, doc: TopicDoc): TopicContract<N, V, never> => ({
    topic,
    pattern: 'stream',
    key,
    doc,
  });
}

/** A topic of commands each answered by one consumer group with `CommandReply<ReplyValue>`. */
export function requestTopic<V, T>() {
  return <const N extends string>(
    topic: N,
    key: (value: V) => string,
    doc: TopicDoc,
  ): TopicContract<N, V, CommandReply<T>> => ({ topic, pattern: 'request', key, doc });
}
