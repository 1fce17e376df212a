import type { ImMessage } from '@im/protocol';

/**
 * The topics between gateways and services: name, key, payload. Keys keep the records that
 * must stay ordered on one partition. docs/topics.md documents the same table for operators.
 */
export const Topics = {
  /** Chat messages, recalls and read marks. Key: conversation id. Producer: gateway. Consumer: message service. */
  MESSAGES: 'im.messages',
  /** Group commands (create, invite, kick, leave, dismiss, rename, set-attribute, set-remark, mute-member, unmute-member, set-admin, unset-admin, mute, unmute, set-join-policy, apply, approve, refuse-application, offer-ownership, accept-ownership, refuse-ownership). Key: group id. Producer: gateway. Consumer: group service (request/reply). */
  GROUP_COMMANDS: 'im.group.commands',
  /** Friend and blacklist commands. Key: the acting user id. Producer: gateway. Consumer: friend service (request/reply). */
  RELATION_COMMANDS: 'im.relation.commands',
  /** Money commands: top-up, withdraw, red packet send and open, transfer send, accept and return (docs/money.md). Key: the red packet or transfer id, else the user id. Producer: gateway. Consumer: wallet service (request/reply). */
  WALLET_COMMANDS: 'im.wallet.commands',
} as const;

/** A client message the gateway accepted: validated, identity checked, stamped. */
export interface ChatRecord {
  readonly kind: 'chat';
  readonly conversationId: string;
  /** Normalised message with `sendTime` = the server's acceptance time. */
  readonly message: ImMessage & { sendTime: number };
  readonly senderDeviceId: string;
}

/**
 * Group commands. All but `create` carry the acting `userId`, a `commandId` (a UUID the gateway
 * draws: the notices they store are keyed by it, so a redelivered command stores and sends them
 * once) and `at`, the acceptance time.
 */
export type GroupCommand =
  | {
      readonly kind: 'create';
      readonly groupId: string;
      readonly ownerId: string;
      readonly name: string;
      readonly memberIds: readonly string[];
      readonly at: number;
      /** Default `approval`. */
      readonly joinPolicy?: GroupJoinPolicy;
    }
  | (GroupCommandBase & { readonly kind: 'invite'; readonly targetIds: readonly string[] })
  | (GroupCommandBase & { readonly kind: 'kick'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'leave' | 'dismiss' })
  | (GroupCommandBase & { readonly kind: 'rename'; readonly name: string })
  /** Sets the group's avatar (46), announcement (47 the first, 48 a replacement) or introduction (56). */
  | (GroupCommandBase & { readonly kind: 'set-attribute'; readonly attribute: 'avatar' | 'announcement' | 'introduction'; readonly value: string })
  /** Any member sets their own remark name in the group (27 to every member). */
  | (GroupCommandBase & { readonly kind: 'set-remark'; readonly remark: string })
  /** An owner or admin mutes `targetId` for `minutes` (from `at`), or unmutes them. */
  | (GroupCommandBase & { readonly kind: 'mute-member'; readonly targetId: string; readonly minutes: number })
  | (GroupCommandBase & { readonly kind: 'unmute-member'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'set-admin' | 'unset-admin'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'mute' | 'unmute' })
  | (GroupCommandBase & { readonly kind: 'set-join-policy'; readonly joinPolicy: GroupJoinPolicy })
  /** `userId` asks to join (not a member yet); `message` is shown to the owner and admins. */
  | (GroupCommandBase & { readonly kind: 'apply'; readonly message: string })
  /** An owner or admin approves or refuses `targetId`'s pending application. */
  | (GroupCommandBase & { readonly kind: 'approve' | 'refuse-application'; readonly targetId: string })
  /** The owner offers ownership to the member `targetId`; the candidate (`userId`) accepts or refuses. */
  | (GroupCommandBase & { readonly kind: 'offer-ownership'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'accept-ownership' | 'refuse-ownership' });

export type GroupJoinPolicy = 'free' | 'approval' | 'invite-only';

export interface GroupCommandBase {
  readonly groupId: string;
  readonly userId: string;
  readonly commandId: string;
  readonly at: number;
}

export type RelationCommand =
  | { readonly kind: 'block'; readonly userId: string; readonly targetId: string }
  | { readonly kind: 'unblock'; readonly userId: string; readonly targetId: string }
  /**
   * Friend commands carry `commandId` (a UUID the gateway draws): the notices they store are
   * keyed by it, so a redelivered command stores and sends them once. `at` is the acceptance time.
   */
  | { readonly kind: 'friend-request'; readonly userId: string; readonly targetId: string; readonly message: string; readonly commandId: string; readonly at: number }
  | { readonly kind: 'friend-accept' | 'friend-refuse' | 'unfriend'; readonly userId: string; readonly targetId: string; readonly commandId: string; readonly at: number }
  | {
      readonly kind: 'profile';
      readonly userId: string;
      readonly profile: { readonly name?: string; readonly avatar?: string };
      readonly commandId: string;
      readonly at: number;
    };

/** What a command handler replies: a value, or a registry error name with its reason. */
export type CommandReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly reason: string };

/**
 * Money commands (docs/money.md). Every amount is an integer count of fen. `key` (top-up,
 * withdraw) is the caller's idempotency key; a red packet's id is its idempotency key.
 */
export type WalletCommand =
  | { readonly kind: 'topup' | 'withdraw'; readonly userId: string; readonly amount: number; readonly key: string; readonly at: number }
  | {
      readonly kind: 'red-packet-send';
      readonly packetId: string;
      readonly senderId: string;
      readonly targetType: 'user' | 'group';
      readonly targetId: string;
      readonly packetKind: 'equal' | 'lucky';
      readonly total: number;
      readonly count: number;
      readonly msg: string;
      readonly at: number;
    }
  | { readonly kind: 'red-packet-open'; readonly packetId: string; readonly userId: string; readonly at: number }
  /** A transfer to a friend; its id is the idempotency key. */
  | { readonly kind: 'transfer-send'; readonly transferId: string; readonly fromId: string; readonly toId: string; readonly amount: number; readonly msg: string; readonly at: number }
  /** The receiver (`userId`) accepts or returns a transfer. */
  | { readonly kind: 'transfer-accept' | 'transfer-return'; readonly transferId: string; readonly userId: string; readonly at: number };
