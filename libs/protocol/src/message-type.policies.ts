import type { ContentSchema } from './content.schema';
import { FromType, MessageType } from './message-type.constants';
import type { Channel, Direction, MessageTypeName } from './message-type.constants';
import type { ClientSend, ClientSendKind, MessageTypeSpec } from './message-type.registry';

/** A row of the table: what the registry adds from message-type.origins.ts (producers, receivers, labels) is not here. */
export type TableSpec = Omit<
  MessageTypeSpec,
  'producedBy' | 'receivedBy' | 'businessEvent' | 'pushLabel' | 'pushShowsText'
>;

/**
 * The policies of the message-type table (message-type.table.ts) and its row builder. Directions follow the original where it gives one and PROTOCOL.md's
 * italic reading where it does not. `stored` / `unread` / `fromTypes` are OUR interpretation
 * (the original says nothing about them); the policies below say why.
 */

/** A policy's default `clientSend`; `http-only` names its route, so it is given per type. */
type PolicySend = Exclude<ClientSendKind, 'http-only'>;

interface Policy {
  readonly channel: Channel;
  readonly stored: boolean;
  readonly unread: boolean;
  readonly fromTypes: readonly FromType[];
  /** What a client's message of a non-down type under this policy does (registry `clientSend`). */
  readonly send?: PolicySend;
}

const { PERSON: P, GROUP: G, SYSTEM: S, THIRD_PARTY: T, OFFICIAL_ACCOUNT: O } = FromType;

function policy(
  stored: boolean,
  unread: boolean,
  fromTypes: readonly FromType[],
  send?: PolicySend,
  channel: Channel = 'chat',
): Policy {
  return send === undefined ? { channel, stored, unread, fromTypes } : { channel, stored, unread, fromTypes, send };
}

/** What people read in a chat: kept in history, counts as unread, 1:1 or group. */
export const CHAT = policy(true, true, [P, G], 'conversation');
/** Like/tip on a GROUP text message (群文本消息): group conversations only. */
export const GROUP_CHAT = policy(true, true, [G], 'reaction');
/**
 * Shake: 摇一摇: 收到打招呼消息, "received a greeting": made by a shake service through the
 * business events (docs/business-events.md), 1:1, shown like a message.
 */
export const SHAKE = policy(true, true, [P]);
/** Recall is stored so devices that were offline learn of it, but is not itself unread. */
export const RECALL = policy(true, false, [P, G], 'conversation');
/** Session control (ready, heartbeat) and read receipts: live only. Ready/heartbeat accept any fromType. */
export const CONTROL = policy(false, false, [P, G, S, T, O], 'session');
export const READ = policy(false, false, [P, G], 'conversation');
/** Chatroom traffic is live only: a chatroom has no history. */
export const CHATROOM = policy(false, false, [P], 'chatroom', 'chatroom');
/** Call signalling is live only; 1:1 calls come from a person, multi-party calls from a group. */
export const CALL = policy(false, false, [P], 'call-signal');
export const MULTI_CALL = policy(false, false, [G], 'call-signal');
/** Notifications are stored so offline devices catch up, but never count as unread. */
export const FRIEND_NOTICE = policy(true, false, [P, S]);
export const GROUP_NOTICE = policy(true, false, [G, S]);
/** Red-packet notices: the packet may have been sent 1:1 or in a group. */
export const RED_PACKET_NOTICE = policy(true, false, [P, G, S]);
/** Moments and payments: from a person, the system, or a third-party (payment) service. */
export const SERVICE_NOTICE = policy(true, false, [P, S, T]);
export const SYSTEM_NOTICE = policy(true, false, [S]);
export const OFFICIAL_NOTICE = policy(true, false, [O]);
/** Presence and "kicked offline" only matter while connected: not stored. */
export const PRESENCE = policy(false, false, [P, S]);
export const KICKED = policy(false, false, [S]);
/** 66, a message refused by the receiver's blacklist: told live to the sender (services/message), not stored. */
export const REFUSAL = policy(false, false, [P, S]);

export function def(
  name: MessageTypeName,
  direction: Direction,
  rules: Policy,
  description: string,
  content: ContentSchema,
  example: unknown,
  clientSend?: ClientSend,
): TableSpec {
  const { send, ...policy } = rules;
  const sent = direction === 'down' ? undefined : (clientSend ?? (send === undefined ? undefined : { kind: send }));
  return {
    type: MessageType[name],
    name,
    direction,
    ...policy,
    ...(sent === undefined ? {} : { clientSend: sent }),
    description,
    content,
    example,
  };
}
