import { Schema } from 'mongoose';
import type { Connection, Model, mongo } from 'mongoose';
import type { GroupRole, JoinPolicy, StoredMessage } from '../store.port';
import { pushModels } from './push-device.mongo-repository';
import {
  ledgerEntrySchema,
  moneyOpSchema,
  redPacketSchema,
  redPacketClaimSchema,
  transferSchema,
  collectionSchema,
  collectionSeatSchema,
} from './mongo.money-models';
import type {
  LedgerEntryDoc,
  LedgerHeadDoc,
  MoneyOpDoc,
  RedPacketDoc,
  RedPacketClaimDoc,
  TransferDoc,
  CollectionDoc,
  CollectionSeatDoc,
} from './mongo.money-models';

import type { PushDeviceDoc, PushMutedUserDoc } from './push-device.mongo-repository';
import { options, req } from './mongo.schema-parts';

/** The wire message as stored: its content may live in `contentJson` instead. */
export type StoredWire = Omit<StoredMessage['message'], 'content'> & { content?: unknown };

/*
 * One collection per concept. Every document has a string `_id` that is its natural key (see
 * naturalKey in mongo.ids.ts); the unique indexes below are the promises of the Store port and
 * hold on their own, whatever the writers do (there are no multi-document transactions).
 */

/**
 * A stored message: the fields a query filters on, and the wire message (with seq) as JSON text
 * in `wire` (see message.mongo-mapping.ts). Documents written before `wire` existed hold the wire
 * message as a sub-document in `message`, with `contentJson`; they are read as they are.
 */
export interface MessageDoc {
  _id: string;
  conversationId: string;
  msgId: string;
  seq: number;
  fromId: string;
  messageType: number;
  recalled: boolean;
  senderDeviceId?: string;
  /** The wire message as JSON text. */
  wire?: string;
  /** Older documents: the wire message as a sub-document. */
  message?: StoredWire;
  /** Older documents: the content as JSON text when it could not be stored natively (then `message.content` is absent). */
  contentJson?: string;
}

/** The seq counter of a conversation; `_id` is the conversation id. */
export interface ConversationDoc {
  _id: string;
  kind: 'direct' | 'group' | 'system';
  /** Direct conversations: both users (multikey index: a user's conversations). */
  members?: string[];
  groupId?: string;
  seq: number;
}

export interface ReadStateDoc {
  _id: string;
  userId: string;
  conversationId: string;
  readSeq: number;
  /** The user muted the conversation: no offline push. Absent: not muted. */
  muted?: boolean;
}

export interface CursorDoc {
  _id: string;
  userId: string;
  deviceId: string;
  conversationId: string;
  ackedSeq: number;
}

export interface GroupDoc {
  _id: string;
  name: string;
  ownerId: string;
  createdAt: number;
  dismissed?: boolean;
  muted?: boolean;
  joinPolicy?: JoinPolicy;
  ownershipCandidate?: string;
  avatar?: string;
  announcement?: string;
  introduction?: string;
  expiresAt?: number;
  remindedAt?: number;
  expiredAt?: number;
  /** Pending applications to join, oldest first. */
  applications?: { userId: string; message: string; createdAt: number }[];
  /** The initial members while their documents are being written; removed once they all are. */
  pendingMembers?: { userId: string; role: GroupRole }[];
}

export interface GroupMemberDoc {
  _id: string;
  groupId: string;
  userId: string;
  role: GroupRole;
  joinedSeq: number;
  remark?: string;
  mutedUntil?: number;
}

export interface BlockDoc {
  _id: string;
  ownerId: string;
  blockedId: string;
}

export interface FriendshipDoc {
  _id: string;
  userId: string;
  friendId: string;
}

export interface FriendRequestDoc {
  _id: string;
  fromId: string;
  toId: string;
  message: string;
  createdAt: number;
}

/** One expiry notice claimed for one expiry date of a group: the unique `_id` decides who sends it. */
export interface GroupExpiryClaimDoc {
  _id: string;
  groupId: string;
  expiresAt: number;
  notice: string;
  at: number;
}

/** The id a client request was given (RequestIdRepository); `_id` is the request's key. */
export interface RequestIdDoc {
  _id: string;
  id: string;
  at: number;
}

/** A user's profile (UserRepository); `_id` is the user id, `nameKey` the case-folded name searched by prefix. */
export interface UserDoc {
  _id: string;
  name: string;
  nameKey: string;
  avatar: string;
  signature: string;
  updatedAt: number;
}

/** A ban; `_id` is the user id. */
export interface UserBanDoc {
  _id: string;
  at: number;
  reason: string;
}

export interface MongoModels {
  readonly messages: Model<MessageDoc>;
  readonly conversations: Model<ConversationDoc>;
  readonly readStates: Model<ReadStateDoc>;
  readonly cursors: Model<CursorDoc>;
  readonly groups: Model<GroupDoc>;
  readonly groupMembers: Model<GroupMemberDoc>;
  readonly groupExpiryClaims: Model<GroupExpiryClaimDoc>;
  readonly blocks: Model<BlockDoc>;
  readonly friendships: Model<FriendshipDoc>;
  readonly friendRequests: Model<FriendRequestDoc>;
  readonly ledgerEntries: Model<LedgerEntryDoc>;
  readonly ledgerHeads: Model<LedgerHeadDoc>;
  readonly moneyOps: Model<MoneyOpDoc>;
  readonly redPackets: Model<RedPacketDoc>;
  readonly redPacketClaims: Model<RedPacketClaimDoc>;
  readonly transfers: Model<TransferDoc>;
  readonly collections: Model<CollectionDoc>;
  readonly collectionSeats: Model<CollectionSeatDoc>;
  readonly requestIds: Model<RequestIdDoc>;
  readonly pushDevices: Model<PushDeviceDoc>;
  readonly pushMutedUsers: Model<PushMutedUserDoc>;
  readonly users: Model<UserDoc>;
  readonly userBans: Model<UserBanDoc>;
}

function messageSchema(): Schema<MessageDoc> {
  const s = new Schema<MessageDoc>(
    {
      _id: req(String),
      conversationId: req(String),
      msgId: req(String),
      seq: req(Number),
      fromId: req(String),
      messageType: req(Number),
      recalled: req(Boolean),
      senderDeviceId: String,
      wire: String,
      message: Schema.Types.Mixed,
      contentJson: String,
    },
    options('messages'),
  );
  s.index({ conversationId: 1, msgId: 1 }, { unique: true, name: 'conversation_msgId' });
  s.index({ conversationId: 1, seq: 1 }, { unique: true, name: 'conversation_seq' });
  return s;
}

function conversationSchema(): Schema<ConversationDoc> {
  const s = new Schema<ConversationDoc>(
    { _id: req(String), kind: req(String), members: [String], groupId: String, seq: req(Number) },
    options('conversations'),
  );
  s.index({ members: 1 }, { name: 'members' });
  return s;
}

function readStateSchema(): Schema<ReadStateDoc> {
  const s = new Schema<ReadStateDoc>(
    { _id: req(String), userId: req(String), conversationId: req(String), readSeq: req(Number), muted: Boolean },
    options('read_states'),
  );
  s.index({ userId: 1, conversationId: 1 }, { unique: true, name: 'user_conversation' });
  return s;
}

function cursorSchema(): Schema<CursorDoc> {
  const s = new Schema<CursorDoc>(
    {
      _id: req(String),
      userId: req(String),
      deviceId: req(String),
      conversationId: req(String),
      ackedSeq: req(Number),
    },
    options('device_cursors'),
  );
  s.index({ userId: 1, deviceId: 1, conversationId: 1 }, { unique: true, name: 'user_device_conversation' });
  return s;
}

function groupSchema(): Schema<GroupDoc> {
  const s = new Schema<GroupDoc>(
    {
      _id: req(String),
      name: req(String),
      ownerId: req(String),
      createdAt: req(Number),
      dismissed: Boolean,
      muted: Boolean,
      joinPolicy: String,
      ownershipCandidate: String,
      avatar: String,
      announcement: String,
      introduction: String,
      expiresAt: Number,
      remindedAt: Number,
      expiredAt: Number,
      applications: {
        type: [{ _id: false, userId: req(String), message: String, createdAt: req(Number) }],
        default: undefined,
      },
      pendingMembers: { type: [{ _id: false, userId: req(String), role: req(String) }], default: undefined },
    },
    options('groups'),
  );
  // The expiry sweep's query (groups without an expiry index as null).
  s.index({ expiresAt: 1 }, { name: 'expires_at' });
  return s;
}

function groupMemberSchema(): Schema<GroupMemberDoc> {
  const s = new Schema<GroupMemberDoc>(
    {
      _id: req(String),
      groupId: req(String),
      userId: req(String),
      role: req(String),
      joinedSeq: req(Number),
      remark: String,
      mutedUntil: Number,
    },
    options('group_members'),
  );
  s.index({ groupId: 1, userId: 1 }, { unique: true, name: 'group_user' });
  s.index({ userId: 1, groupId: 1 }, { name: 'user_group' });
  return s;
}

function groupExpiryClaimSchema(): Schema<GroupExpiryClaimDoc> {
  return new Schema<GroupExpiryClaimDoc>(
    { _id: req(String), groupId: req(String), expiresAt: req(Number), notice: req(String), at: req(Number) },
    options('group_expiry_claims'),
  );
}

function blockSchema(): Schema<BlockDoc> {
  const s = new Schema<BlockDoc>(
    { _id: req(String), ownerId: req(String), blockedId: req(String) },
    options('blacklist'),
  );
  s.index({ ownerId: 1, blockedId: 1 }, { unique: true, name: 'owner_blocked' });
  return s;
}

function friendshipSchema(): Schema<FriendshipDoc> {
  const s = new Schema<FriendshipDoc>(
    { _id: req(String), userId: req(String), friendId: req(String) },
    options('friendships'),
  );
  s.index({ userId: 1, friendId: 1 }, { unique: true, name: 'user_friend' });
  return s;
}

function friendRequestSchema(): Schema<FriendRequestDoc> {
  const s = new Schema<FriendRequestDoc>(
    {
      _id: req(String),
      fromId: req(String),
      toId: req(String),
      message: { type: String, default: '' },
      createdAt: req(Number),
    },
    options('friend_requests'),
  );
  s.index({ fromId: 1, toId: 1 }, { unique: true, name: 'from_to' });
  s.index({ toId: 1, createdAt: 1 }, { name: 'to_created' });
  return s;
}

function userSchema(): Schema<UserDoc> {
  const s = new Schema<UserDoc>(
    {
      _id: req(String),
      name: req(String),
      nameKey: req(String),
      avatar: { type: String, default: '' },
      signature: { type: String, default: '' },
      updatedAt: req(Number),
    },
    options('users'),
  );
  s.index({ nameKey: 1, _id: 1 }, { name: 'name_key' });
  return s;
}

/** Compiles the models on this connection (not on mongoose's global default connection). */
export function buildModels(connection: Connection): MongoModels {
  return {
    messages: connection.model<MessageDoc>('Message', messageSchema()),
    conversations: connection.model<ConversationDoc>('Conversation', conversationSchema()),
    readStates: connection.model<ReadStateDoc>('ReadState', readStateSchema()),
    cursors: connection.model<CursorDoc>('DeviceCursor', cursorSchema()),
    groups: connection.model<GroupDoc>('Group', groupSchema()),
    groupMembers: connection.model<GroupMemberDoc>('GroupMember', groupMemberSchema()),
    groupExpiryClaims: connection.model<GroupExpiryClaimDoc>('GroupExpiryClaim', groupExpiryClaimSchema()),
    blocks: connection.model<BlockDoc>('Block', blockSchema()),
    friendships: connection.model<FriendshipDoc>('Friendship', friendshipSchema()),
    friendRequests: connection.model<FriendRequestDoc>('FriendRequest', friendRequestSchema()),
    ledgerEntries: connection.model<LedgerEntryDoc>('LedgerEntry', ledgerEntrySchema()),
    ledgerHeads: connection.model<LedgerHeadDoc>(
      'LedgerHead',
      new Schema<LedgerHeadDoc>({ _id: req(String), n: req(Number) }, options('ledger_heads')),
    ),
    moneyOps: connection.model<MoneyOpDoc>('MoneyOp', moneyOpSchema()),
    redPackets: connection.model<RedPacketDoc>('RedPacket', redPacketSchema()),
    redPacketClaims: connection.model<RedPacketClaimDoc>('RedPacketClaim', redPacketClaimSchema()),
    transfers: connection.model<TransferDoc>('Transfer', transferSchema()),
    collections: connection.model<CollectionDoc>('Collection', collectionSchema()),
    collectionSeats: connection.model<CollectionSeatDoc>('CollectionSeat', collectionSeatSchema()),
    // Only the `_id` index: a claim is an insert, its retry a point read.
    requestIds: connection.model<RequestIdDoc>(
      'RequestId',
      new Schema<RequestIdDoc>({ _id: req(String), id: req(String), at: req(Number) }, options('request_ids')),
    ),
    ...pushModels(connection),
    users: connection.model<UserDoc>('User', userSchema()),
    userBans: connection.model<UserBanDoc>(
      'UserBan',
      new Schema<UserBanDoc>({ _id: req(String), at: req(Number), reason: req(String) }, options('user_bans')),
    ),
  };
}

/**
 * The driver's collection under a model, typed. For the hot path: no query casting, no
 * document hydration. Mongoose's `sanitizeFilter` does not apply here, so callers pass only
 * ids already checked by mongo.ids.ts.
 */
export function driverCollection<T extends mongo.Document>(model: Model<T>): mongo.Collection<T> {
  return model.collection as unknown as mongo.Collection<T>;
}
