export { deadLetterTopic } from './bus.port';
export type {
  BatchHandlers,
  Bus,
  BusBatchHandler,
  BusHandler,
  BusRecord,
  DeadLetter,
  RequestOptions,
  Subscription,
} from './bus.port';
export { InMemoryBus } from './in-memory.bus';
export type { InMemoryBusOptions } from './in-memory.bus';
export { KafkaBus } from './kafka/kafka.bus';
export type { KafkaBusOptions } from './kafka/kafka-bus.options';
export {
  BUSINESS_EVENT_TYPES,
  MESSAGE_SERVICE_GROUP,
  Topics,
  callCommandKey,
  passwordHash,
  walletCommandKey,
} from './topics';
export type {
  BusinessEvent,
  BusinessEventTarget,
  BusinessEventType,
  CallCommand,
  CallCommandOutcome,
  CallSenderRef,
  ChatRecord,
  CommandReply,
  GroupCommand,
  GroupJoinPolicy,
  PushRecord,
  PushTarget,
  RelationCommand,
  WalletCommand,
} from './topics';
export {
  readBusinessEvent,
  noticeMsgId,
  toDownlink,
  ACTOR_TYPES,
  GROUP_TYPES,
  ALL_ONLINE_TYPES,
  MAX_EVENT_ID_LENGTH,
} from './business-event.schema';
export type { EventCheck } from './business-event.schema';
export { REPLIES_TOPIC, TOPIC_MAP } from './topic-map';
export type { TopicSpec } from './topic-map';
