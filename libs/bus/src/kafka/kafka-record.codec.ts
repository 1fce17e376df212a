import type { IHeaders } from 'kafkajs';

/** Headers of a `request`: where the handler's reply goes and how the requester recognises it. */
export const REPLY_TO_HEADER = 'im-reply-to';
export const CORRELATION_HEADER = 'im-correlation-id';

export interface ReplyRoute {
  /** Instance id of the requesting bus: the key of the reply record. */
  readonly replyTo: string;
  readonly correlationId: string;
}

/** What a reply record carries. */
export type ReplyEnvelope =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export type Decoded =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly raw: string; readonly error: string };

/** JSON of a record value; `undefined` travels as `null`. Throws on what JSON cannot carry. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function decodeValue(value: Buffer | null): Decoded {
  if (value === null) return { ok: false, raw: '', error: 'malformed record: no value' };
  const raw = value.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (e) {
    return { ok: false, raw, error: `malformed record: not JSON (${errorMessage(e)})` };
  }
}

/** A reply that cannot be serialised becomes an error reply rather than a stuck partition. */
export function encodeReply(envelope: ReplyEnvelope): string {
  try {
    return encodeValue(envelope);
  } catch (e) {
    return encodeValue({ ok: false, error: `reply is not JSON: ${errorMessage(e)}` });
  }
}

export function decodeReply(value: Buffer | null): ReplyEnvelope | undefined {
  const decoded = decodeValue(value);
  if (!decoded.ok || typeof decoded.value !== 'object' || decoded.value === null) return undefined;
  const v = decoded.value as { ok?: unknown; value?: unknown; error?: unknown };
  if (v.ok === true) return { ok: true, value: v.value };
  if (v.ok === false) return { ok: false, error: String(v.error) };
  return undefined;
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const h = headers?.[name];
  const first = Array.isArray(h) ? h[0] : h;
  return first === undefined ? undefined : first.toString();
}

export function replyRouteOf(headers: IHeaders | undefined): ReplyRoute | undefined {
  const replyTo = headerString(headers, REPLY_TO_HEADER);
  const correlationId = headerString(headers, CORRELATION_HEADER);
  return replyTo && correlationId ? { replyTo, correlationId } : undefined;
}

export function requestHeaders(route: ReplyRoute): IHeaders {
  return { [REPLY_TO_HEADER]: route.replyTo, [CORRELATION_HEADER]: route.correlationId };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
