import { imError } from './error-codes';
import type { ImError } from './error-codes';
import { isPlainObject } from './internal/plain-object';
import { utf8ByteLength } from './internal/utf8-length';

export type DecodeResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: ImError };

/**
 * Turns a payload (an object, or a string holding JSON) into a fresh plain object decoded from
 * JSON text, so later steps never see class instances, cycles or the caller's own objects.
 * The size limit applies to the UTF-8 JSON text and is checked before a string is parsed.
 */
export function decodePayload(input: unknown, maxBytes: number): DecodeResult {
  const text = toJsonText(input);
  if (!text.ok) return text;
  const size = utf8ByteLength(text.value, maxBytes);
  if (size > maxBytes) return fail(imError('IM_ERR_TOO_LARGE', `payload exceeds ${maxBytes} bytes`));
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch {
    return fail(imError('IM_ERR_BAD_JSON'));
  }
  if (!isPlainObject(value)) return fail(imError('IM_ERR_NOT_OBJECT'));
  return { ok: true, value };
}

function toJsonText(input: unknown): { ok: true; value: string } | { ok: false; error: ImError } {
  if (typeof input === 'string') return { ok: true, value: input };
  if (input === null || typeof input !== 'object') return fail(imError('IM_ERR_NOT_OBJECT'));
  try {
    const text: unknown = JSON.stringify(input);
    if (typeof text === 'string') return { ok: true, value: text };
  } catch {
    // cycles, BigInt, throwing toJSON or getters: not something that could come off the wire
  }
  return fail(imError('IM_ERR_BAD_JSON', 'payload cannot be serialised as JSON'));
}

function fail(error: ImError): { ok: false; error: ImError } {
  return { ok: false, error };
}
