import { MessageType } from './message-type.constants';
import type { MessageTypeName } from './message-type.constants';
import { messagePreview } from './message-preview';
import { messageTypeSpec } from './message-type.registry';

/** How urgent a push is: `high` wakes the phone at once (a ringing call); `normal` may be batched. */
export type PushPriority = 'high' | 'normal';

interface PushKind {
  readonly priority?: PushPriority;
}

/**
 * The message types an offline device is pushed (`im.push.out`), and how urgently. A type not
 * listed is never pushed (presence, heartbeats, reads, recalls, group-wide notices, call signals
 * other than the ring, moments). What each shows is its registry preview (`messagePreview`: the
 * text, or the type's `pushLabel`). The one list: docs/business-events.md prints it.
 */
const PUSH_KINDS: Readonly<Partial<Record<MessageTypeName, PushKind>>> = {
  // Chat, from the message service.
  TEXT: {},
  IMAGE: {},
  FILE: {},
  VOICE: {},
  CARD: {},
  LOCATION: {},
  SHORT_VIDEO: {},
  STICKER: {},
  MENTION: {},
  CALL_ENDED: {},
  // Money, from the wallet service.
  RED_PACKET: {},
  TRANSFER_RECEIVED: {},
  TRANSFER_ACCEPTED: {},
  TRANSFER_RETURNED: {},
  AA_COLLECTION: {},
  GROUP_MESSAGE_LIKE: {},
  GROUP_MESSAGE_TIP: {},
  // Friends, from the friend service.
  FRIEND_REQUEST: {},
  FRIEND_ACCEPTED: {},
  FRIEND_AUTO_ADDED: {},
  // Groups, to one user, from the group service.
  GROUP_INVITED: {},
  GROUP_JOIN_REQUEST: {},
  GROUP_APPLICATION: {},
  GROUP_JOIN_APPROVED: {},
  GROUP_APPLICATION_AGREED: {},
  GROUP_OWNERSHIP_OFFERED: {},
  GROUP_KICKED: {},
  // Business events, from the events service.
  SHAKE: {},
  PAYMENT_RECEIVED: {},
  PAYMENT_REQUEST: {},
  SYSTEM_NOTICE: {},
  OFFICIAL_ACCOUNT_MESSAGE: {},
  // A ringing 1:1 call, from the call service: at once, high priority.
  VOICE_CALL_REQUEST: { priority: 'high' },
  VIDEO_CALL_REQUEST: { priority: 'high' },
  CALL_AUDIO_OFFER: { priority: 'high' },
  CALL_VIDEO_OFFER: { priority: 'high' },
};

const BY_NUMBER: ReadonlyMap<number, PushKind> = new Map(
  (Object.entries(PUSH_KINDS) as [MessageTypeName, PushKind][]).map(([name, kind]) => [MessageType[name], kind]),
);

/** The types that push, in number order, each with its label and priority (for docs and tests). */
export const PUSHED_TYPES: readonly { type: number; label: string; priority: PushPriority }[] = [...BY_NUMBER]
  .sort(([a], [b]) => a - b)
  .map(([type, kind]) => ({
    type,
    label: messageTypeSpec(type)?.pushLabel ?? '',
    priority: kind.priority ?? 'normal',
  }));

/** True when an offline device is pushed a message of this type. */
export const isPushed = (messageType: number): boolean => BY_NUMBER.has(messageType);

export const pushPriority = (messageType: number): PushPriority => BY_NUMBER.get(messageType)?.priority ?? 'normal';

const MISSED = new Set(['missed', 'cancelled']);

/**
 * A short preview, never the content beyond it: for a type that shows text (text, @, greeting)
 * the content's text, or its `text` field, cut; a missed or cancelled call (162) `[Missed call]`;
 * otherwise the type's label (`[Image]`).
 */
export function pushBody(messageType: number, content: unknown): string {
  const object = typeof content === 'object' && content !== null ? (content as Record<string, unknown>) : undefined;
  if (messageType === MessageType.CALL_ENDED && MISSED.has(String(object?.['outcome']))) return '[Missed call]';
  return messagePreview(messageType, content);
}
