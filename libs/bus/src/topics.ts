import { createHash } from 'node:crypto';
import { businessEventTypes } from '@im/protocol';
import type { ImMessage, MessageTypeNumber } from '@im/protocol';

/**
 * The topics between gateways and services: name, key, payload. Keys keep the records that
 * must stay ordered on one partition. docs/topics.md documents the same table for operators.
 */
/**
 * The message service's consumer group on `im.messages` (named here because the gateways read its
 * backlog to refuse new messages while it is far behind).
 */
export const MESSAGE_SERVICE_GROUP = 'message-service';

export const Topics = {
  /** Chat messages, recalls and read marks. Key: conversation id. Producer: gateway. Consumer: message service. */
  MESSAGES: 'im.messages',
  /** Group commands (create, invite, kick, leave, dismiss, rename, set-attribute, set-remark, mute-member, unmute-member, set-admin, unset-admin, mute, unmute, set-join-policy, apply, approve, refuse-application, offer-ownership, accept-ownership, refuse-ownership). Key: group id. Producer: gateway. Consumer: group service (request/reply). */
  GROUP_COMMANDS: 'im.group.commands',
  /** Friend and blacklist commands. Key: the acting user id. Producer: gateway. Consumer: friend service (request/reply). */
  RELATION_COMMANDS: 'im.relation.commands',
  /**
   * Business events from other teams' services (moments, official accounts, payments,
   * operations), turned into stored notifications. Key: the event id. Producer: other services,
   * the gateway's admin notice endpoint. Consumer: events service. Schema: `BusinessEvent`
   * (docs/business-events.md); an invalid event goes to `im.events.in.dlq` with the reason.
   */
  EVENTS_IN: 'im.events.in',
  /**
   * Offline push: one `PushRecord` per (user, message) of a type that pushes (chat messages,
   * money, friend and group invitations, system and official-account notices, a ringing call)
   * when some of the user's devices with a push token have no socket open, and neither the user
   * nor the conversation is muted; it lists those devices' tokens. Key: the user id. Producers:
   * message, wallet, group, friend, events and call services. Consumer: an APNs / FCM push service
   * (outside this system).
   */
  PUSH_OUT: 'im.push.out',
  /** Money commands: top-up, withdraw, red packet send and open, transfer send, accept and return (docs/money.md). Key: the red packet or transfer id, else the user id. Producer: gateway. Consumer: wallet service (request/reply). */
  WALLET_COMMANDS: 'im.wallet.commands',
  /**
   * Call commands: a client's 1:1 or multi-party call signal, a call device that connected or
   * disconnected, the users of a gateway that died (docs/calls-and-chatrooms.md). Key: the group
   * id for a multi-party signal, else the user id (a 1:1 call has no id on the wire). Producer:
   * gateway. Consumer: call service (request/reply).
   */
  CALL_COMMANDS: 'im.calls.commands',
} as const;

/** The message types a business event may carry (docs/business-events.md): the registry's `businessEvent` types. */
export const BUSINESS_EVENT_TYPES: readonly MessageTypeNumber[] = [
  ...businessEventTypes().keys(),
] as MessageTypeNumber[];
export type BusinessEventType = MessageTypeNumber;

/** Who receives a business event: listed users, a group's members, a user's friends, or everyone online (68 only). */
export type BusinessEventTarget =
  | { readonly users: readonly string[] }
  | { readonly group: string }
  | { readonly friendsOf: string }
  | { readonly allOnline: true };

/**
 * A business event on `im.events.in`. Validated by the events service (unknown fields refused).
 * `fromType` is the publisher's kind: 3 system, 4 third party, 5 official account. `actorId`
 * names the user the event is about (the friend who posted, commented, liked, @-ed, shook, or
 * changed their profile): required for 26, 36, 37, 38, 49 and 67, whose notifications then come
 * from that user (fromType 1).
 */
export interface BusinessEvent {
  /** 1–100 characters from `A-Z a-z 0-9 _ . @ -`; the same id again stores nothing new (its notice is delivered again; a device drops a seq it has). */
  readonly eventId: string;
  readonly messageType: BusinessEventType;
  readonly fromType: 3 | 4 | 5;
  /** The publishing system, third-party service or official account. */
  readonly fromId: string;
  readonly fromName?: string;
  readonly imageIconUrl?: string;
  readonly actorId?: string;
  readonly target: BusinessEventTarget;
  /** Checked against the message type's content schema (docs/protocol-notes.md). */
  readonly content?: unknown;
  /** The event's time (ms); default: when the events service handles it. */
  readonly at?: number;
}

/** What a push service needs to show one offline notification; never content secrets or tokens. */
export interface PushRecord {
  /** `<conversationId>/<msgId>/<userId>`: unique per (user, message), for the push service to drop repeats. */
  readonly pushId: string;
  readonly userId: string;
  readonly conversationId: string;
  readonly msgId: string;
  readonly messageType: number;
  readonly fromId: string;
  /** The sender's name (or id), or the group name for a group message. */
  readonly title: string;
  /** A short preview: text cut to 60 characters, or a label such as "[Image]". */
  readonly body: string;
  /** The user's unread messages over all conversations, this one included. */
  readonly badge: number;
  readonly sendTime: number;
  /** Where to push: the user's devices with a registered token and no socket open now (at least one). */
  readonly tokens: readonly PushTarget[];
  /** `high` for a ringing call (wake the phone now); `normal` otherwise. */
  readonly priority: 'high' | 'normal';
  /** Pushes with the same key replace each other on the phone: `call:<callId>` for a call's ring and its 162. */
  readonly collapseKey?: string;
}

/** One device to push to: APNs or FCM, and its token. */
export interface PushTarget {
  readonly deviceId: string;
  readonly platform: 'apns' | 'fcm';
  readonly token: string;
}

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
  | (GroupCommandBase & {
      readonly kind: 'set-attribute';
      readonly attribute: 'avatar' | 'announcement' | 'introduction';
      readonly value: string;
    })
  /** Any member sets their own remark name in the group (27 to every member). */
  | (GroupCommandBase & { readonly kind: 'set-remark'; readonly remark: string })
  /** An owner or admin mutes `targetId` for `minutes` (from `at`), or unmutes them. */
  | (GroupCommandBase & { readonly kind: 'mute-member'; readonly targetId: string; readonly minutes: number })
  | (GroupCommandBase & { readonly kind: 'unmute-member'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'set-admin' | 'unset-admin'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'mute' | 'unmute' })
  /** The owner sets the expiry date (ms, after `at`) or clears it (null); 58 ahead of it and 65 at it come from the expiry sweep. */
  | (GroupCommandBase & { readonly kind: 'set-expiry'; readonly expiresAt: number | null })
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
  | {
      readonly kind: 'friend-request';
      readonly userId: string;
      readonly targetId: string;
      readonly message: string;
      readonly commandId: string;
      readonly at: number;
    }
  | {
      readonly kind: 'friend-accept' | 'friend-refuse' | 'unfriend';
      readonly userId: string;
      readonly targetId: string;
      readonly commandId: string;
      readonly at: number;
    }
  | {
      readonly kind: 'profile';
      readonly userId: string;
      readonly profile: { readonly name?: string; readonly avatar?: string; readonly signature?: string };
      readonly commandId: string;
      readonly at: number;
    };

/**
 * The stored and transported form of a password red packet's password: sha256 of the packet id and
 * the text, so neither the store nor the bus ever holds the password itself.
 */
export function passwordHash(packetId: string, password: string): string {
  return createHash('sha256').update(`${packetId}\n${password}`).digest('hex');
}

/** The bus key of a wallet command: one packet's (transfer's, collection's) commands stay in order on one partition. */
export function walletCommandKey(command: WalletCommand): string {
  if ('packetId' in command) return command.packetId;
  if ('transferId' in command) return command.transferId;
  if ('collectionId' in command) return command.collectionId;
  if ('tipId' in command) return command.tipId;
  if ('likeId' in command) return command.likeId;
  return command.userId;
}

/** What a command handler replies: a value, or a registry error name with its reason. */
export type CommandReply<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly reason: string };

/** Who sent a call signal: the token's user, name and avatar, and the device. */
export interface CallSenderRef {
  readonly claims: { readonly sub: string; readonly name?: string; readonly avatar?: string };
  readonly deviceId: string;
}

/** What the gateways ask of the call service (docs/calls-and-chatrooms.md). Replies: `CommandReply<CallCommandOutcome>`. */
export type CallCommand =
  /**
   * A validated client message of a call type (42-45, 150-160, 163-165); content untouched.
   * `at`: when the gateway sent it; one older than the request timeout is refused unhandled
   * (its sender was already told to retry).
   */
  | { readonly kind: 'signal'; readonly sender: CallSenderRef; readonly message: ImMessage; readonly at: number }
  /**
   * A device connected (a ringing callee's new device rings too; a dropped party is back).
   * `at`: when the gateway sent it, after the device could receive; only a device that connected
   * after the call began is rung again (absent in commands from older gateways: then it rings).
   */
  | { readonly kind: 'device-connected'; readonly userId: string; readonly deviceId: string; readonly at?: number }
  /** A device's socket closed; `groups`: the group calls it joined through that gateway. */
  | {
      readonly kind: 'device-disconnected';
      readonly userId: string;
      readonly deviceId: string;
      readonly groups: readonly string[];
    }
  /** A gateway died without closing its sockets: these users' call devices there are gone. */
  | { readonly kind: 'users-lost'; readonly gatewayId: string; readonly userIds: readonly string[] };

/** `left`: a disconnected device was handled (false when the same device is already back). */
export interface CallCommandOutcome {
  readonly done: true;
  readonly left?: boolean;
}

/**
 * Money commands (docs/money.md). Every amount is an integer count of fen. `key` (top-up,
 * withdraw) is the caller's idempotency key. A red packet's, transfer's or collection's id is its
 * idempotency key: the gateway gives one id per sender and requestId, the same on every retry.
 */
export type WalletCommand =
  | {
      readonly kind: 'topup' | 'withdraw';
      readonly userId: string;
      readonly amount: number;
      readonly key: string;
      readonly at: number;
    }
  | {
      readonly kind: 'red-packet-send';
      readonly packetId: string;
      readonly senderId: string;
      readonly targetType: 'user' | 'group';
      readonly targetId: string;
      readonly packetKind: 'equal' | 'lucky' | 'password';
      readonly total: number;
      readonly count: number;
      readonly msg: string;
      /** Password packets only: `passwordHash(packetId, password)`; the password itself never travels. */
      readonly passwordHash?: string;
      readonly at: number;
    }
  /**
   * `passwordHash` opens a password packet; `via: 'chat'` when the opener typed the password in the
   * group chat (they are then told the amount by a 68 notice, having no API answer to read).
   */
  | {
      readonly kind: 'red-packet-open';
      readonly packetId: string;
      readonly userId: string;
      readonly passwordHash?: string;
      readonly via?: 'api' | 'chat';
      readonly at: number;
    }
  /**
   * An AA collection (40 in a conversation) or a payment request (41 to one payer); its id is the
   * idempotency key. `amount` is what each payer pays, at most `count` times.
   */
  | {
      readonly kind: 'collection-create';
      readonly collectionId: string;
      readonly collectionKind: 'aa' | 'request';
      readonly collectorId: string;
      readonly targetType: 'user' | 'group';
      readonly targetId: string;
      readonly amount: number;
      readonly count: number;
      readonly totalAmt: number;
      readonly msg: string;
      readonly at: number;
    }
  /** `payerId` pays their share of a collection once (39 to the collector); `requestKey` is their idempotency key. */
  | {
      readonly kind: 'collection-pay';
      readonly collectionId: string;
      readonly payerId: string;
      readonly requestKey: string;
      readonly at: number;
    }
  /** A like (82) on group message `msgId`, told to its author; `likeId` (group, message, liker) makes it once per liker. */
  | {
      readonly kind: 'like';
      readonly likeId: string;
      readonly fromId: string;
      readonly groupId: string;
      readonly msgId: string;
      readonly at: number;
    }
  /** A tip (83) on group message `msgId`: `amount` from `fromId` to the message's author; `tipId` is the idempotency key. */
  | {
      readonly kind: 'tip';
      readonly tipId: string;
      readonly fromId: string;
      readonly groupId: string;
      readonly msgId: string;
      readonly amount: number;
      readonly at: number;
    }
  /** A transfer to a friend; its id is the idempotency key. */
  | {
      readonly kind: 'transfer-send';
      readonly transferId: string;
      readonly fromId: string;
      readonly toId: string;
      readonly amount: number;
      readonly msg: string;
      readonly at: number;
    }
  /** The receiver (`userId`) accepts or returns a transfer. */
  | {
      readonly kind: 'transfer-accept' | 'transfer-return';
      readonly transferId: string;
      readonly userId: string;
      readonly at: number;
    };

/**
 * The key of a call command on `im.calls.commands`: a multi-party signal's group (one group's call
 * changes in order), a dead gateway's id, else the user (a 1:1 call has no id on the wire and a
 * user is in one call at a time).
 */
export function callCommandKey(command: CallCommand): string {
  switch (command.kind) {
    case 'signal':
      return command.message.fromType === 2 ? `group:${command.message.destId}` : command.sender.claims.sub;
    case 'users-lost':
      return `gateway:${command.gatewayId}`;
    default:
      return command.userId;
  }
}
