import { messageTypeSpec } from './message-type.registry';

export const PREVIEW_MAX_CHARS = 60;

/** Whitespace folded, at most `PREVIEW_MAX_CHARS` characters (an ellipsis when cut). */
export function cutPreview(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > PREVIEW_MAX_CHARS ? `${chars.slice(0, PREVIEW_MAX_CHARS - 1).join('')}…` : chars.join('');
}

/**
 * A short preview of a message, as a push notification and a conversation list show it: for the
 * types whose registry entry says so (text, @, greeting), the content's text, or its `text` field,
 * cut; otherwise the type's registry label (`[Image]`), never the content.
 */
export function messagePreview(messageType: number, content: unknown): string {
  const spec = messageTypeSpec(messageType);
  if (spec?.pushShowsText === true) {
    if (typeof content === 'string' && content.trim() !== '') return cutPreview(content);
    const text =
      typeof content === 'object' && content !== null ? (content as Record<string, unknown>).text : undefined;
    if (typeof text === 'string' && text.trim() !== '') return cutPreview(text);
  }
  return spec?.pushLabel || '[New message]';
}
