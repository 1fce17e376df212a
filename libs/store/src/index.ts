export { MessageStatus } from './store.port';
export type {
  AppendInput,
  AppendResult,
  ConversationRepository,
  ConversationSummary,
  FriendRequest,
  FriendRequestRepository,
  CursorRepository,
  ExpiryNotice,
  Group,
  GroupApplication,
  GroupAttribute,
  GroupMember,
  GroupRepository,
  GroupRole,
  JoinPolicy,
  MessageRepository,
  RangeQuery,
  RelationRepository,
  Store,
  StoredMessage,
} from './store.port';
export { SqliteStore } from './sqlite/sqlite.store';
export { MongoStore } from './mongo/mongo.store';
export type { MongoStoreOptions } from './mongo/mongo.store';
