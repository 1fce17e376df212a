import type { ImMessage } from '@im/protocol';

/** Response and body shapes of the HTTP API, as in `GET /openapi.json` (services/gateway/src/http/api-schemas.ts). */
export type Role = 'owner' | 'admin' | 'member';
export type JoinPolicy = 'free' | 'approval' | 'invite-only';

export interface GroupSummary {
  groupId: string;
  name: string;
  ownerId: string;
  createdAt: number;
  role: Role;
  dismissed?: boolean;
  muted?: boolean;
  joinPolicy?: JoinPolicy;
  avatar?: string;
  announcement?: string;
  introduction?: string;
  expiresAt?: number;
  ownershipCandidate?: string;
}
export interface GroupDetail extends Omit<GroupSummary, 'ownershipCandidate'> {
  expired: boolean;
}
export interface GroupMember {
  userId: string;
  role: Role;
  remark?: string;
  mutedUntil?: number;
}
export interface GroupPatch {
  name?: string;
  joinPolicy?: JoinPolicy;
  avatar?: string;
  announcement?: string;
  introduction?: string;
}
export interface GroupApplication {
  userId: string;
  message: string;
  createdAt: number;
}

export interface LastMessage {
  msgId: string;
  seq: number;
  messageType: number;
  fromId: string;
  fromName: string;
  /** The text (cut), or a label such as `[Image]`, as a push shows it. */
  preview: string;
  sendTime: number;
  recalled: boolean;
}

export interface Conversation {
  conversationId: string;
  /** `system`: the user's own `s:<userId>` (friend requests, transfers, notices). */
  kind: 'direct' | 'group' | 'system';
  peerId?: string;
  groupId?: string;
  maxSeq: number;
  readSeq: number;
  peerReadSeq?: number;
  unread: number;
  muted: boolean;
  lastMessage: LastMessage | null;
  /** The last message's sendTime; 0 without one. */
  lastActivityAt: number;
}
export interface ConversationPage {
  /** Newest activity first. */
  conversations: Conversation[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** `peerId`, `groupId` or `system`; `afterSeq` walks forward (oldest first after it), else newest before `beforeSeq`. */
export interface HistoryQuery {
  peerId?: string;
  groupId?: string;
  /** The user's own system conversation. */
  system?: boolean;
  afterSeq?: number;
  beforeSeq?: number;
  /** 1–500, default 50. */
  limit?: number;
}
export interface MessagePage {
  conversationId: string;
  /** Ascending seq order. */
  messages: ImMessage[];
  hasMore: boolean;
  nextBeforeSeq?: number | null;
  nextAfterSeq?: number;
}

export interface FriendRequest {
  fromId: string;
  toId: string;
  message: string;
  createdAt: number;
}

export interface Wallet {
  userId: string;
  /** Fen. */
  balance: number;
}
export interface MoneyTarget {
  type: 'user' | 'group';
  id: string;
}
export type RedPacketState = 'funding' | 'open' | 'failed' | 'settled';
export interface RedPacketRequest {
  to: MoneyTarget;
  kind: 'equal' | 'lucky' | 'password';
  /** Fen. */
  total: number;
  count: number;
  msg?: string;
  password?: string;
  /** Idempotency key: the same one returns the same packet. */
  requestId: string;
}
export interface RedPacket {
  packetId: string;
  senderId: string;
  to: MoneyTarget;
  kind: 'equal' | 'lucky' | 'password';
  total: number;
  count: number;
  msg: string;
  state: RedPacketState;
  createdAt: number;
  expiresAt: number;
  claims: { userId: string; amount: number; at: number }[];
  refunded?: number;
}
export interface RedPacketOpened {
  packetId: string;
  amount: number;
  slot: number;
  alreadyOpened: boolean;
}
export type TransferState = 'funding' | 'pending' | 'accepted' | 'returned' | 'failed';
export interface TransferRequest {
  toUserId: string;
  amount: number;
  msg?: string;
  requestId: string;
}
export interface Transfer {
  transferId: string;
  fromId: string;
  toId: string;
  amount: number;
  msg: string;
  state: TransferState;
  createdAt: number;
  expiresAt: number;
}
export interface CollectionRequest {
  to: MoneyTarget;
  /** Each share, fen. */
  amount: number;
  count?: number;
  totalAmt?: number;
  msg?: string;
  requestId: string;
}
export type CollectionState = 'posting' | 'open' | 'closed';
