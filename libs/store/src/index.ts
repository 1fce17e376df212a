export { MessageStatus } from './store.port';
export type {
  AppendInput,
  Collection,
  CollectionKind,
  CollectionRepository,
  CollectionSeat,
  CollectionState,
  AppendResult,
  ConversationRepository,
  ConversationSummary,
  FriendRequest,
  FriendRequestRepository,
  CursorAdvance,
  CursorRepository,
  ExpiryNotice,
  Group,
  GroupApplication,
  GroupAttribute,
  GroupMember,
  GroupRepository,
  GroupRole,
  JoinPolicy,
  LedgerEntry,
  LedgerRepository,
  MoneyOp,
  MoneyOpState,
  RedPacket,
  RedPacketClaim,
  RedPacketKind,
  RedPacketRepository,
  RedPacketState,
  MessageRepository,
  PushDevice,
  PushDeviceRepository,
  PushPlatform,
  RangeQuery,
  RelationRepository,
  RequestIdRepository,
  Transfer,
  TransferRepository,
  TransferState,
  Store,
  StoredMessage,
} from './store.port';
export { nameKey, unknownProfile } from './user.port';
export type { ProfileChange, UserBan, UserProfile, UserRepository } from './user.port';
export { profilesOf } from './user-directory';
export { checkGroupSend, groupSendRefusal } from './group-send.rule';
export type { GroupSender, GroupSendRefusal, GroupSendRefusalCode } from './group-send.rule';
export { SqliteStore } from './sqlite/sqlite.store';
export { MongoStore } from './mongo/mongo.store';
export type { MongoStoreOptions } from './mongo/mongo.store';
