import { MessageType } from './message-type.constants';

export const PREVIEW_MAX_CHARS = 60;

/** What a preview shows for the types whose content is not text: a label, never the content. */
const LABELS: Readonly<Record<number, string>> = {
  [MessageType.IMAGE]: '[Image]',
  [MessageType.FILE]: '[File]',
  [MessageType.VOICE]: '[Voice]',
  [MessageType.RED_PACKET]: '[Red packet]',
  [MessageType.CARD]: '[Contact card]',
  [MessageType.LOCATION]: '[Location]',
  [MessageType.SHORT_VIDEO]: '[Video]',
  [MessageType.STICKER]: '[Sticker]',
  [MessageType.AA_COLLECTION]: '[Payment request]',
  [MessageType.CALL_ENDED]: '[Call]',
};

/** Whitespace folded, at most `PREVIEW_MAX_CHARS` characters (an ellipsis when cut). */
export function cutPreview(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > PREVIEW_MAX_CHARS ? `${chars.slice(0, PREVIEW_MAX_CHARS - 1).join('')}…` : chars.join('');
}

/**
 * A short preview of a message, as a push notification and a conversation list show it: the text
 * of a text, @ or greeting message, cut; a label for anything else.
 */
export function messagePreview(messageType: number, content: unknown): string {
  if (
    typeof content === 'string' &&
    (messageType === MessageType.TEXT || messageType === MessageType.MENTION || messageType === MessageType.SHAKE)
  ) {
    return cutPreview(content);
  }
  if (messageType === MessageType.MENTION && typeof content === 'object' && content !== null) {
    const text = (content as Record<string, unknown>).text;
    if (typeof text === 'string') return cutPreview(text);
  }
  return LABELS[messageType] ?? '[New message]';
}
