import { checkContent } from './content.check';
import type { ContentResult } from './content.schema';
import type { MessageTypeNumber } from './message-type.constants';
import { messageTypeSpec } from './message-type.registry';

/**
 * Checks `content` against the shape of message type `type` and returns the NORMALISED
 * content (JSON strings of objects parsed, numeric ids and amounts normalised, defaults
 * filled, misspellings such as `aiteld` renamed). Never throws; never mutates `content`.
 */
export function validateContent(type: MessageTypeNumber, content: unknown): ContentResult {
  const spec = messageTypeSpec(type);
  if (spec === undefined) return { ok: false, reason: `unknown messageType ${String(type)}` };
  return checkContent(spec.content, content);
}
