export { deadLetterTopic } from './bus.port';
export type { Bus, BusHandler, BusRecord, DeadLetter, RequestOptions, Subscription } from './bus.port';
export { InMemoryBus } from './in-memory.bus';
export type { InMemoryBusOptions } from './in-memory.bus';
export { KafkaBus } from './kafka/kafka.bus';
export type { KafkaBusOptions } from './kafka/kafka-bus.options';
export { Topics } from './topics';
export type { ChatRecord, CommandReply, GroupCommand, GroupJoinPolicy, RelationCommand, WalletCommand } from './topics';
