import type { ImMessage } from '@im/protocol';
import type { CollectionRepository, LedgerRepository, RedPacketRepository, TransferRepository } from './money.port';
import type { UserRepository } from './user.port';

export type {
  LedgerEntry,
  MoneyOpState,
  MoneyOp,
  LedgerRepository,
  RedPacketKind,
  RedPacketState,
  RedPacket,
  RedPacketClaim,
  RedPacketRepository,
  TransferState,
  Transfer,
  TransferRepository,
  CollectionKind,
  CollectionState,
  Collection,
  CollectionSeat,
  CollectionRepository,
} from './money.port';

/** Message status on the wire (our interpretation of the `status` field). */
export const MessageStatus = { NORMAL: 0, RECALLED: 1 } as const;

/** A message as kept in a conversation: the wire message plus what the server assigned. */
export interface StoredMessage {
  readonly conversationId: string;
  readonly seq: number;
  /** The wire form, with `seq` and `sendTime` filled in. */
  readonly message: ImMessage & { seq: number; sendTime: number };
  readonly recalled: boolean;
  /** The device that sent it (so that device is not sent its own message back). */
  readonly senderDeviceId: string | undefined;
}

export interface AppendInput {
  readonly conversationId: string;
  readonly message: ImMessage & { sendTime: number };
  readonly senderDeviceId?: string;
}

export interface AppendResult {
  readonly stored: StoredMessage;
  /** True when this msgId was already in the conversation: nothing new was written. */
  readonly duplicate: boolean;
}

export interface RangeQuery {
  /** Only seq > afterSeq. */
  readonly afterSeq?: number;
  /** Only seq < beforeSeq. */
  readonly beforeSeq?: number;
  readonly limit: number;
  /** 'oldest' returns the first `limit` after afterSeq; 'newest' the last `limit` before beforeSeq. Always in seq order. */
  readonly from?: 'oldest' | 'newest';
}

export interface MessageRepository {
  /**
   * Stores a message with the conversation's next seq. Idempotent by (conversationId, msgId):
   * the same msgId again returns the first stored copy with `duplicate: true`. Seqs strictly
   * increase per conversation; a crash may leave a gap, never a repeat.
   */
  append(input: AppendInput): Promise<AppendResult>;
  /**
   * `append` for many messages at once (the message service's batch), answers in input order;
   * messages of one conversation get increasing seqs in input order. Same guarantees.
   */
  appendBatch(inputs: readonly AppendInput[]): Promise<AppendResult[]>;
  findByMsgId(conversationId: string, msgId: string): Promise<StoredMessage | undefined>;
  range(conversationId: string, query: RangeQuery): Promise<StoredMessage[]>;
  /**
   * The newest message of each conversation at or below its given seq (its max seq, say), keyed by
   * conversationId: one read for many conversations where the store can (a conversation list).
   * Absent for a conversation with no message there.
   */
  lastOf(conversations: readonly { conversationId: string; maxSeq: number }[]): Promise<Map<string, StoredMessage>>;
  /** Marks a message recalled; false when it does not exist. */
  markRecalled(conversationId: string, msgId: string): Promise<boolean>;
  /** Messages in (afterSeq, ∞) that count as unread for `userId` (not sent by them). */
  countUnread(
    conversationId: string,
    afterSeq: number,
    userId: string,
    unreadTypes: readonly number[],
  ): Promise<number>;
}

export interface ConversationSummary {
  readonly conversationId: string;
  readonly kind: 'direct' | 'group';
  /** The other user of a direct conversation. */
  readonly peerId?: string;
  readonly groupId?: string;
  readonly maxSeq: number;
}

export interface ConversationRepository {
  /** Direct conversations of a user plus the conversations of the given groups. */
  listForUser(userId: string, groupIds: readonly string[]): Promise<ConversationSummary[]>;
  maxSeq(conversationId: string): Promise<number>;
  /** Moves the user's read seq forward (never back); returns the new value. */
  setReadSeq(userId: string, conversationId: string, seq: number): Promise<number>;
  readSeqs(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Another person's read seq per conversation (the peer of a 1:1 conversation): one lookup for
   * many conversations, keyed by conversationId; absent when that person has read nothing.
   */
  readSeqsOf(
    entries: readonly { readonly conversationId: string; readonly userId: string }[],
  ): Promise<Map<string, number>>;
  /** The user's mute setting of a conversation (a muted one produces no offline push). Idempotent. */
  setMuted(userId: string, conversationId: string, muted: boolean): Promise<void>;
  /** The subset of `userIds` who muted the conversation. */
  mutedAmong(conversationId: string, userIds: readonly string[]): Promise<Set<string>>;
  /** The conversations the user muted. */
  mutedOf(userId: string): Promise<string[]>;
}

/** One device cursor to move forward. */
export interface CursorAdvance {
  readonly userId: string;
  readonly deviceId: string;
  readonly conversationId: string;
  readonly seq: number;
}

export interface CursorRepository {
  /**
   * Per device and conversation: the highest seq the device acknowledged in order. Moves forward
   * only. The key may also name a stream derived from a conversation (the device channel keeps
   * the read receipts it delivered under `rr:<conversationId>`).
   */
  advance(userId: string, deviceId: string, conversationId: string, seq: number): Promise<void>;
  /** `advance` for many cursors in one write (the gateway's periodic flush). */
  advanceMany(cursors: readonly CursorAdvance[]): Promise<void>;
  get(userId: string, deviceId: string, conversationIds: readonly string[]): Promise<Map<string, number>>;
}

export type GroupRole = 'owner' | 'admin' | 'member';
/** How outsiders join: at once, after an owner's or admin's approval, or only when invited. */
export type JoinPolicy = 'free' | 'approval' | 'invite-only';

export interface GroupApplication {
  readonly groupId: string;
  readonly userId: string;
  readonly message: string;
  readonly createdAt: number;
}

export interface Group {
  readonly groupId: string;
  readonly name: string;
  readonly ownerId: string;
  readonly createdAt: number;
  /** Set once the owner dismissed the group: it refuses sends and commands from then on. */
  readonly dismissed?: boolean;
  /** The whole group is muted: only the owner and admins may send. */
  readonly muted?: boolean;
  /** Default `approval` (also what `get` returns for a group created without one). */
  readonly joinPolicy?: JoinPolicy;
  /** The member the owner offered ownership to, until they accept or refuse. */
  readonly ownershipCandidate?: string;
  /** Set by the owner or an admin; absent until first set. */
  readonly avatar?: string;
  readonly announcement?: string;
  readonly introduction?: string;
  /** When the group expires (ms); absent: never. From then on it refuses sends. */
  readonly expiresAt?: number;
  /** When the expiry reminder (58) for the current `expiresAt` was claimed; absent until then. */
  readonly remindedAt?: number;
  /** When the expired notice (65) for the current `expiresAt` was claimed; absent until then. */
  readonly expiredAt?: number;
}

/** Which expiry notice a sweeper claims: the reminder (58) or the expired notice (65). */
export type ExpiryNotice = 'reminder' | 'expired';

export type GroupAttribute = 'avatar' | 'announcement' | 'introduction';

export interface GroupMember {
  readonly groupId: string;
  readonly userId: string;
  readonly role: GroupRole;
  /** The group conversation's seq when the member joined: earlier messages are not theirs to sync. */
  readonly joinedSeq: number;
  /** The name the member chose to be shown by in this group; absent until set. */
  readonly remark?: string;
  /** The member may not send before this time (ms); absent when not muted. */
  readonly mutedUntil?: number;
}

export interface GroupRepository {
  /** Creates a group and its members; idempotent by groupId (a repeat returns false and changes nothing). */
  create(group: Group, members: readonly { userId: string; role: GroupRole }[]): Promise<boolean>;
  get(groupId: string): Promise<Group | undefined>;
  member(groupId: string, userId: string): Promise<GroupMember | undefined>;
  members(groupId: string): Promise<GroupMember[]>;
  groupsOf(userId: string): Promise<GroupMember[]>;
  /**
   * Adds members with the given role and joinedSeq; users already members are left as they are.
   * Returns the users actually added (a repeat returns []).
   */
  addMembers(groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number): Promise<string[]>;
  /** Removes a member; true when they were one. */
  removeMember(groupId: string, userId: string): Promise<boolean>;
  rename(groupId: string, name: string): Promise<void>;
  /** Marks the group dismissed (members are kept, for history). Idempotent. */
  dismiss(groupId: string): Promise<void>;
  setMuted(groupId: string, muted: boolean): Promise<void>;
  /** Sets a member's remark name; false when not a member. */
  setRemark(groupId: string, userId: string, remark: string): Promise<boolean>;
  /** Mutes a member until `until` (ms), or unmutes them (undefined); false when not a member. */
  setMemberMutedUntil(groupId: string, userId: string, until: number | undefined): Promise<boolean>;
  /** Sets the group's avatar, announcement or introduction. */
  setAttribute(groupId: string, attribute: GroupAttribute, value: string): Promise<void>;
  /** Changes a member's role; false when they are not a member. */
  setRole(groupId: string, userId: string, role: GroupRole): Promise<boolean>;
  setJoinPolicy(groupId: string, joinPolicy: JoinPolicy): Promise<void>;
  /** Records (or, with undefined, clears) the pending ownership offer. */
  setOwnershipCandidate(groupId: string, candidateId: string | undefined): Promise<void>;
  /** Sets the group's ownerId and clears the ownership offer (member roles are changed with setRole). */
  setOwner(groupId: string, ownerId: string): Promise<void>;
  /** Sets (or, with undefined, clears) the expiry date; clears `remindedAt` and `expiredAt` so the new date gets its own notices. */
  setExpiry(groupId: string, expiresAt: number | undefined): Promise<void>;
  /**
   * Groups, not dismissed, with a notice due at `now`: not yet expired-noticed and either expired
   * (`expiresAt <= now`) or within the reminder lead (`expiresAt <= remindFrom`) and not yet reminded.
   * At most `limit`, soonest expiry first.
   */
  expiryDue(now: number, remindFrom: number, limit: number): Promise<Group[]>;
  /**
   * Claims one expiry notice for the group's `expiresAt` in one conditional single-row / single-document
   * write: true for exactly one caller (the one that sets `remindedAt` / `expiredAt` where it was unset
   * and the expiry is still `expiresAt`); false for every other, and when the expiry changed meanwhile.
   * Once `expired` is claimed, `reminder` can no longer be (no reminder after the fact).
   */
  claimExpiryNotice(groupId: string, expiresAt: number, notice: ExpiryNotice, at: number): Promise<boolean>;
  /** Records a pending application to join; false (and nothing changes) when one is already pending. */
  addApplication(application: GroupApplication): Promise<boolean>;
  /** The pending applications, oldest first. */
  applications(groupId: string): Promise<GroupApplication[]>;
  application(groupId: string, userId: string): Promise<GroupApplication | undefined>;
  /** Removes a pending application; true when there was one. */
  removeApplication(groupId: string, userId: string): Promise<boolean>;
}

export interface RelationRepository {
  /** `ownerId` refuses messages from `blockedId`. Idempotent. */
  block(ownerId: string, blockedId: string): Promise<void>;
  unblock(ownerId: string, blockedId: string): Promise<void>;
  isBlocked(ownerId: string, blockedId: string): Promise<boolean>;
  blocked(ownerId: string): Promise<string[]>;
  /** Makes a and b friends of each other. Idempotent. */
  befriend(a: string, b: string): Promise<void>;
  unfriend(a: string, b: string): Promise<void>;
  areFriends(a: string, b: string): Promise<boolean>;
  friends(userId: string): Promise<string[]>;
}

export interface FriendRequest {
  readonly fromId: string;
  readonly toId: string;
  /** The requester's optional greeting. */
  readonly message: string;
  readonly createdAt: number;
}

/** Pending friend requests, one per (from, to). Every change is a single-row / single-document write. */
export interface FriendRequestRepository {
  /** Records (or refreshes the message and time of) the request from `fromId` to `toId`. */
  put(request: FriendRequest): Promise<void>;
  get(fromId: string, toId: string): Promise<FriendRequest | undefined>;
  /** Deletes the request; true when it existed (so of two concurrent accepts, one wins). */
  remove(fromId: string, toId: string): Promise<boolean>;
  /** Requests waiting for `toId`'s answer, oldest first. */
  incoming(toId: string): Promise<FriendRequest[]>;
  /** Requests `fromId` sent that are still unanswered, oldest first. */
  outgoing(fromId: string): Promise<FriendRequest[]>;
}

/**
 * The id a client request was given, under a key made of its sender and idempotency key: how a
 * retried money request finds the red packet, transfer or collection its first attempt made.
 */
export interface RequestIdRepository {
  /** Stores `id` under `key` unless the key has one already; returns the key's id, the first one stored. */
  claim(key: string, id: string, at: number): Promise<string>;
}

export type PushPlatform = 'apns' | 'fcm';

/** A device's APNs / FCM token: where an offline push for that device goes (docs/business-events.md). */
export interface PushDevice {
  readonly userId: string;
  readonly deviceId: string;
  readonly platform: PushPlatform;
  readonly token: string;
  readonly updatedAt: number;
}

/** Push tokens, one per (user, device), and each user's "push nothing" switch. */
export interface PushDeviceRepository {
  /**
   * Registers or replaces the token of (userId, deviceId). The same token under any other
   * (user, device) is removed: the app was reinstalled, or another user logged in on that phone.
   */
  put(device: PushDevice): Promise<void>;
  /** Removes the device's token; false when it had none. */
  remove(userId: string, deviceId: string): Promise<boolean>;
  /** Removes every token of the user (a revoked user); how many there were. */
  removeAll(userId: string): Promise<number>;
  /** The registered devices of these users, by user then device id. */
  devicesOf(userIds: readonly string[]): Promise<PushDevice[]>;
  /** The user's switch for every push (muted: none at all). Idempotent. */
  setUserMuted(userId: string, muted: boolean): Promise<void>;
  /** The subset of `userIds` who turned every push off. */
  mutedUsersAmong(userIds: readonly string[]): Promise<Set<string>>;
}

/** Everything durable. Embedded: SQLite in one file; cluster: MongoDB. */
export interface Store {
  readonly messages: MessageRepository;
  readonly conversations: ConversationRepository;
  readonly cursors: CursorRepository;
  readonly groups: GroupRepository;
  readonly relations: RelationRepository;
  readonly friendRequests: FriendRequestRepository;
  readonly ledger: LedgerRepository;
  readonly redPackets: RedPacketRepository;
  readonly transfers: TransferRepository;
  readonly collections: CollectionRepository;
  readonly requestIds: RequestIdRepository;
  readonly pushDevices: PushDeviceRepository;
  /** The user directory (profiles) and bans. */
  readonly users: UserRepository;
  /** True when the backend answers (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
