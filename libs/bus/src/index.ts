export { deadLetterTopic } from './bus.port';
export type {
  BatchHandlers,
  Bus,
  BusBatchHandler,
  BusHandler,
  BusRecord,
  DeadLetter,
  HandlerReplyOf,
  OpenTopics,
  RecordOf,
  ReplyOf,
  RequestOptions,
  RequestTopic,
  Subscription,
  TopicOf,
  TopicTypeMap,
  TopicTypes,
} from './bus.port';
export { InMemoryBus } from './in-memory.bus';
export type { InMemoryBusOptions } from './in-memory.bus';
export { KafkaBus } from './kafka/kafka.bus';
export type { KafkaBusOptions } from './kafka/kafka-bus.options';
export { requestTopic, streamTopic } from './contracts/topic-contract';
export type { CommandReply, TopicContract, TopicDoc } from './contracts/topic-contract';
export { MESSAGES, MESSAGE_SERVICE_GROUP } from './contracts/messages.contract';
export type { ChatRecord } from './contracts/messages.contract';
export { GROUP_COMMANDS } from './contracts/group.contract';
export type { CreateGroupResult, GroupCommand, GroupCommandResult, GroupJoinPolicy } from './contracts/group.contract';
export { RELATION_COMMANDS } from './contracts/relation.contract';
export type { RelationCommand, RelationOutcome } from './contracts/relation.contract';
export { WALLET_COMMANDS, passwordHash, walletCommandKey } from './contracts/wallet.contract';
export type { WalletCommand, WalletOutcome } from './contracts/wallet.contract';
export { CALL_COMMANDS, callCommandKey } from './contracts/call.contract';
export type { CallCommand, CallCommandOutcome, CallSenderRef } from './contracts/call.contract';
export { BUSINESS_EVENT_TYPES, EVENTS_IN } from './contracts/events.contract';
export type { BusinessEvent, BusinessEventTarget, BusinessEventType } from './contracts/events.contract';
export { PUSH_OUT } from './contracts/push.contract';
export type { PushRecord, PushTarget } from './contracts/push.contract';
export { REPLIES_TOPIC, TOPIC_CONTRACTS, TOPIC_MAP, Topics, contractOf } from './contracts/topic-map';
export type { AnyTopicContract, CommandTopic, ImTopics, TopicName, TopicSpec } from './contracts/topic-map';
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
