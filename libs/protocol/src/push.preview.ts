import { MessageType } from './message-type.constants';
import type { MessageTypeName } from './message-type.constants';

/** How urgent a push is: `high` wakes the phone at once (a ringing call); `normal` may be batched. */
export type PushPriority = 'high' | 'normal';

interface PushKind {
  /** What the push shows instead of the content. */
  readonly label: string;
  /** The preview shows the content's text (cut) when it has some: the content itself, or its `text` field. */
  readonly showsText?: true;
  readonly priority?: PushPriority;
}

/**
 * The message types an offline device is pushed (`im.push.out`), with the label each shows. A
 * type not listed is never pushed (presence, heartbeats, reads, recalls, group-wide notices,
 * call signals other than the ring, moments). The one list: docs/business-events.md prints it.
 * When the registry carries a push label per type (`pushLabel`), the labels here come from it.
 */
const PUSH_KINDS: Readonly<Partial<Record<MessageTypeName, PushKind>>> = {
  // Chat, from the message service.
  TEXT: { label: '[Text]', showsText: true },
  IMAGE: { label: '[Image]' },
  FILE: { label: '[File]' },
  VOICE: { label: '[Voice]' },
  CARD: { label: '[Contact card]' },
  LOCATION: { label: '[Location]' },
  SHORT_VIDEO: { label: '[Video]' },
  STICKER: { label: '[Sticker]' },
  MENTION: { label: '[Mention]', showsText: true },
  CALL_ENDED: { label: '[Call]' },
  // Money, from the wallet service.
  RED_PACKET: { label: '[Red packet]' },
  TRANSFER_RECEIVED: { label: '[Transfer]' },
  TRANSFER_ACCEPTED: { label: '[Transfer accepted]' },
  TRANSFER_RETURNED: { label: '[Transfer returned]' },
  AA_COLLECTION: { label: '[Payment request]' },
  GROUP_MESSAGE_LIKE: { label: '[Like]' },
  GROUP_MESSAGE_TIP: { label: '[Tip]' },
  // Friends, from the friend service.
  FRIEND_REQUEST: { label: '[Friend request]' },
  FRIEND_ACCEPTED: { label: '[Friend request accepted]' },
  FRIEND_AUTO_ADDED: { label: '[New friend]' },
  // Groups, to one user, from the group service.
  GROUP_INVITED: { label: '[Group invitation]' },
  GROUP_JOIN_REQUEST: { label: '[Join request]' },
  GROUP_APPLICATION: { label: '[Join request]' },
  GROUP_JOIN_APPROVED: { label: '[Join request approved]' },
  GROUP_APPLICATION_AGREED: { label: '[Join request approved]' },
  GROUP_OWNERSHIP_OFFERED: { label: '[Group ownership offered]' },
  GROUP_KICKED: { label: '[Removed from group]' },
  // Business events, from the events service.
  SHAKE: { label: '[Greeting]', showsText: true },
  PAYMENT_RECEIVED: { label: '[Payment received]' },
  PAYMENT_REQUEST: { label: '[Payment request]' },
  SYSTEM_NOTICE: { label: '[System notice]' },
  OFFICIAL_ACCOUNT_MESSAGE: { label: '[Official account]' },
  // A ringing 1:1 call, from the call service: at once, high priority.
  VOICE_CALL_REQUEST: { label: '[Voice call]', priority: 'high' },
  VIDEO_CALL_REQUEST: { label: '[Video call]', priority: 'high' },
  CALL_AUDIO_OFFER: { label: '[Voice call]', priority: 'high' },
  CALL_VIDEO_OFFER: { label: '[Video call]', priority: 'high' },
};

const BY_NUMBER: ReadonlyMap<number, PushKind> = new Map(
  (Object.entries(PUSH_KINDS) as [MessageTypeName, PushKind][]).map(([name, kind]) => [MessageType[name], kind]),
);

/** The types that push, in number order, each with its label and priority (for docs and tests). */
export const PUSHED_TYPES: readonly { type: number; label: string; priority: PushPriority }[] = [...BY_NUMBER]
  .sort(([a], [b]) => a - b)
  .map(([type, kind]) => ({ type, label: kind.label, priority: kind.priority ?? 'normal' }));

/** True when an offline device is pushed a message of this type. */
export const isPushed = (messageType: number): boolean => BY_NUMBER.has(messageType);

export const pushPriority = (messageType: number): PushPriority => BY_NUMBER.get(messageType)?.priority ?? 'normal';

export const PUSH_BODY_MAX_CHARS = 60;

/** The text cut to PUSH_BODY_MAX_CHARS characters (`…` when cut), white space folded. */
export function cutPushText(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > PUSH_BODY_MAX_CHARS ? `${chars.slice(0, PUSH_BODY_MAX_CHARS - 1).join('')}…` : chars.join('');
}

const MISSED = new Set(['missed', 'cancelled']);

/**
 * A short preview, never the content beyond it: for a type that shows text (text, @, greeting)
 * the content's text, or its `text` field, cut; a missed or cancelled call (162) `[Missed call]`;
 * otherwise the type's label (`[Image]`).
 */
export function pushBody(messageType: number, content: unknown): string {
  const kind = BY_NUMBER.get(messageType);
  const object = typeof content === 'object' && content !== null ? (content as Record<string, unknown>) : undefined;
  if (kind?.showsText === true) {
    if (typeof content === 'string' && content.trim() !== '') return cutPushText(content);
    const text = object?.['text'];
    if (typeof text === 'string' && text.trim() !== '') return cutPushText(text);
  }
  if (messageType === MessageType.CALL_ENDED && MISSED.has(String(object?.['outcome']))) return '[Missed call]';
  return kind?.label ?? '[New message]';
}
