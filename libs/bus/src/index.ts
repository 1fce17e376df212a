export { deadLetterTopic } from './bus.port';
export type { Bus, BusHandler, BusRecord, DeadLetter, RequestOptions, Subscription } from './bus.port';
export { InMemoryBus } from './in-memory.bus';
export type { InMemoryBusOptions } from './in-memory.bus';
export { KafkaBus } from './kafka/kafka.bus';
export type { KafkaBusOptions } from './kafka/kafka-bus.options';
export { BUSINESS_EVENT_TYPES, Topics } from './topics';
export type { BusinessEvent, BusinessEventTarget, BusinessEventType, ChatRecord, CommandReply, GroupCommand, GroupJoinPolicy, PushRecord, RelationCommand } from './topics';
