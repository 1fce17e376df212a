export { connect, ImClient } from './client';
export type { ClientEvents, ConnectOptions, ConnectionState } from './client';
export { build, builderNameOf, draft } from './builders';
export type { Address, Builder, BuilderName, DraftOptions, Signal } from './builders';
export { messageEventOf } from './message-types';
export type {
  AaCollectionContent,
  AmountContent,
  CallEndedContent,
  ContentOf,
  Downlink,
  Draft,
  FileContent,
  ImageContent,
  KnownContent,
  LocationContent,
  LooseContent,
  MessageEvents,
  MultiCallSignalContent,
  RedPacketContent,
  ShortVideoContent,
  StickerContent,
  Target,
  TypeNumberOf,
  VoiceContent,
} from './message-types';
export { ImClientError, RETRYABLE_CODES, errorName } from './errors';
export type { AckAnswer, RetryEvent, SendResult } from './outbox';
export type { GapEvent } from './inbox';
export { MemoryStorage, keyValueStorage } from './storage';
export type { ClientStorage, KeyValueStore, OutboxEntry } from './storage';
export { API_ROUTES, httpApi } from './api';
export type { HttpApi } from './api';
export type {
  CollectionRequest,
  CollectionState,
  Conversation,
  ConversationPage,
  FriendRequest,
  GroupApplication,
  GroupDetail,
  GroupMember,
  GroupPatch,
  GroupSummary,
  HistoryQuery,
  JoinPolicy,
  LastMessage,
  MessagePage,
  MoneyTarget,
  RedPacket,
  RedPacketOpened,
  RedPacketRequest,
  RedPacketState,
  Role,
  Transfer,
  TransferRequest,
  TransferState,
  Wallet,
} from './api-types';
export { trackedConversation } from './conversation-key';
export type { TrackedConversation } from './conversation-key';
export { HttpTransport } from './http';
export type { HttpOptions, Query } from './http';
export type { ForwardPage } from './inbox';
export type { BackoffOptions } from './backoff';
export { FromType, MessageType, MESSAGE_TYPES, ErrorCodes } from '@im/protocol';
export type { ImMessage, MessageTypeName, MessageTypeNumber, ErrorName } from '@im/protocol';
