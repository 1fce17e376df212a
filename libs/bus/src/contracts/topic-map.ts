import type { DeadLetter } from '../bus.port';
import type { TopicContract } from './topic-contract';
import { CALL_COMMANDS } from './call.contract';
import { EVENTS_IN } from './events.contract';
import { GROUP_COMMANDS } from './group.contract';
import { MESSAGES } from './messages.contract';
import { PUSH_OUT } from './push.contract';
import { RELATION_COMMANDS } from './relation.contract';
import { WALLET_COMMANDS } from './wallet.contract';

/**
 * Every topic's contract, one per topic, in the order the AsyncAPI document and docs list them.
 * Adding a topic: write its contract in its domain's file (`streamTopic` or `requestTopic`), add it
 * here and to `Topics`; the `Bus` types, `TOPIC_MAP` and the AsyncAPI channel follow from it.
 */
export const TOPIC_CONTRACTS = [
  MESSAGES,
  GROUP_COMMANDS,
  RELATION_COMMANDS,
  WALLET_COMMANDS,
  CALL_COMMANDS,
  EVENTS_IN,
  PUSH_OUT,
] as const;

/** The topic names by their constant names, for call sites: `Topics.GROUP_COMMANDS`. */
export const Topics = {
  MESSAGES: MESSAGES.topic,
  GROUP_COMMANDS: GROUP_COMMANDS.topic,
  RELATION_COMMANDS: RELATION_COMMANDS.topic,
  EVENTS_IN: EVENTS_IN.topic,
  PUSH_OUT: PUSH_OUT.topic,
  WALLET_COMMANDS: WALLET_COMMANDS.topic,
  CALL_COMMANDS: CALL_COMMANDS.topic,
} as const;

export type AnyTopicContract = (typeof TOPIC_CONTRACTS)[number];
/** A topic of the system (dead-letter topics excluded). */
export type TopicName = AnyTopicContract['topic'];

/**
 * The bus's type map: each topic's record and reply, and each `<topic>.dlq` carrying `DeadLetter`s.
 * Stream topics reply `never` (their handlers' return values are dropped).
 */
export type ImTopics = {
  readonly [C in AnyTopicContract as C['topic']]: NonNullable<C['types']>;
} & {
  readonly [K in TopicName as `${K}.dlq`]: { readonly record: DeadLetter; readonly reply: never };
};

/** The request topics of the system: commands answered by the one service that owns them. */
export type CommandTopic = {
  [K in TopicName]: [ImTopics[K]['reply']] extends [never] ? never : K;
}[TopicName];

/** The contract of a topic by name (the key function of a command, its documentation). */
export function contractOf<K extends TopicName>(
  topic: K,
): TopicContract<K, ImTopics[K]['record'], ImTopics[K]['reply']> {
  const contract = TOPIC_CONTRACTS.find((c) => c.topic === topic);
  if (!contract) throw new Error(`no contract for topic ${topic}`);
  return contract as unknown as TopicContract<K, ImTopics[K]['record'], ImTopics[K]['reply']>;
}

/**
 * The topics as data: for each, its key, who produces and who consumes it, and how (a plain
 * stream, or request/reply with the answer on `im.replies`). The AsyncAPI document
 * (`GET /asyncapi.json`) is generated from it and the message type registry; README's topic table
 * and docs/topics.md say the same for people.
 */
export interface TopicSpec {
  /** The logical name (prefixed `<IM_KAFKA_NAMESPACE>.` when a namespace is set). */
  readonly topic: string;
  readonly key: string;
  readonly producers: readonly string[];
  /** The consumer group, or the outside system that reads it. */
  readonly consumer: string;
  /** `request`: each record expects a `CommandReply` on `im.replies`, keyed by the requesting instance. */
  readonly pattern: 'stream' | 'request';
  readonly description: string;
  /** The TypeScript type of a record's value, in libs/bus/src/contracts/. */
  readonly payloadType: string;
}

export const REPLIES_TOPIC = 'im.replies';

/** Each contract's documentation, for the AsyncAPI document and the docs. */
export const TOPIC_MAP: readonly TopicSpec[] = TOPIC_CONTRACTS.map((c) => ({
  topic: c.topic,
  pattern: c.pattern,
  ...c.doc,
}));
