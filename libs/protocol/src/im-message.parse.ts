import { checkContent } from './content.check';
import { imError } from './error-codes';
import type { ImError } from './error-codes';
import type { ImMessage } from './im-message';
import { decodePayload } from './im-message.decode';
import {
  readGeoId,
  readOptionalId,
  readOptionalNumber,
  readRequiredId,
  readText,
  readUrlOrEmpty,
  toInteger,
} from './im-message.fields';
import type { FieldResult } from './im-message.fields';
import type { FromType } from './message-type.constants';
import { messageTypeSpec } from './message-type.registry';
import type { MessageTypeSpec } from './message-type.registry';

/** The default size limit of one message: 64 KiB of UTF-8 JSON text. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

export const MAX_FROM_NAME_LENGTH = 128;

export interface ParseOptions {
  /** Limit on the UTF-8 byte length of the JSON text. Default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxBytes?: number;
  /**
   * 'up' (default): the message comes from a client, so down-only types are refused with
   * IM_ERR_WRONG_DIRECTION. 'any': accept every known type (e.g. re-reading stored messages).
   */
  readonly direction?: 'up' | 'any';
}

export type ParseResult =
  | { ok: true; message: ImMessage }
  /** `msgId` is set whenever it could be read, so the acknowledgement can name it. */
  | { ok: false; error: ImError; msgId?: string };

type Raw = Readonly<Record<string, unknown>>;

const OPTIONAL_NUMBERS = ['version', 'devType', 'sendTime', 'receiveTime', 'status'] as const;

/**
 * Parses and validates one ImMessage from the wire: an object, or a string holding its JSON.
 * Returns the normalised message (ids as strings, content normalised, `geold` read as
 * `geoId`, unknown top-level fields and any client `seq` dropped) or the first error found.
 * Never throws; never mutates `input`.
 */
export function parseImMessage(input: unknown, options: ParseOptions = {}): ParseResult {
  const decoded = decodePayload(input, options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  if (!decoded.ok) return { ok: false, error: decoded.error };
  const msgId = readRequiredId(decoded.value, 'msgId');
  if (!msgId.ok) return { ok: false, error: msgId.error };
  const message = readMessage(decoded.value, msgId.value, options.direction ?? 'up');
  return message.ok ? { ok: true, message: message.value } : { ok: false, error: message.error, msgId: msgId.value };
}

function readMessage(raw: Raw, msgId: string, direction: 'up' | 'any'): FieldResult<ImMessage> {
  const fromId = readRequiredId(raw, 'fromId');
  if (!fromId.ok) return fromId;
  const destId = readRequiredId(raw, 'destId');
  if (!destId.ok) return destId;
  const fromName = readText(raw, 'fromName', MAX_FROM_NAME_LENGTH);
  if (!fromName.ok) return fromName;
  const imageIconUrl = readUrlOrEmpty(raw, 'imageIconUrl');
  if (!imageIconUrl.ok) return imageIconUrl;
  const spec = readSpec(raw, direction);
  if (!spec.ok) return spec;
  const fromType = readFromType(raw, spec.value);
  if (!fromType.ok) return fromType;
  const content = readContent(raw, spec.value);
  if (!content.ok) return content;
  const optional = readOptionalFields(raw);
  if (!optional.ok) return optional;
  const required = { msgId, fromId: fromId.value, fromType: fromType.value, destId: destId.value };
  const sender = { fromName: fromName.value, imageIconUrl: imageIconUrl.value };
  const body = { content: content.value, messageType: spec.value.type };
  return { ok: true, value: { ...required, ...sender, ...body, ...optional.value } };
}

function readSpec(raw: Raw, direction: 'up' | 'any'): FieldResult<MessageTypeSpec> {
  const value = raw['messageType'];
  if (value === undefined || value === null) return fail('IM_ERR_INVALID_FIELD', 'messageType is required');
  const type = toInteger(value);
  if (type === undefined) return fail('IM_ERR_INVALID_FIELD', 'messageType must be an integer');
  const spec = messageTypeSpec(type);
  if (spec === undefined) return fail('IM_ERR_UNKNOWN_TYPE', `unknown messageType ${type}`);
  if (direction === 'up' && spec.direction === 'down') {
    return fail('IM_ERR_WRONG_DIRECTION', `messageType ${type} (${spec.name}) is sent by the server only`);
  }
  return { ok: true, value: spec };
}

function readFromType(raw: Raw, spec: MessageTypeSpec): FieldResult<FromType> {
  const value = raw['fromType'];
  if (value === undefined || value === null) return fail('IM_ERR_INVALID_FIELD', 'fromType is required');
  const fromType = toInteger(value);
  if (fromType === undefined || fromType < 1 || fromType > 5) {
    return fail('IM_ERR_BAD_FROM_TYPE', 'fromType must be an integer from 1 to 5');
  }
  const allowed = spec.fromTypes.find((candidate) => candidate === fromType);
  if (allowed === undefined) {
    return fail(
      'IM_ERR_BAD_FROM_TYPE',
      `fromType ${fromType} is not allowed for messageType ${spec.type} (allowed: ${spec.fromTypes.join(', ')})`,
    );
  }
  return { ok: true, value: allowed };
}

function readContent(raw: Raw, spec: MessageTypeSpec): FieldResult<unknown> {
  if (raw['content'] === undefined && spec.content.kind !== 'any') {
    return fail('IM_ERR_INVALID_FIELD', 'content is required');
  }
  const checked = checkContent(spec.content, raw['content']);
  if (checked.ok) return { ok: true, value: checked.value };
  return fail(checked.badUrl === true ? 'IM_ERR_BAD_URL' : 'IM_ERR_BAD_CONTENT', checked.reason);
}

type OptionalFields = Pick<ImMessage, 'id' | 'geoId' | (typeof OPTIONAL_NUMBERS)[number]>;

/** Optional fields; absent or null ones are left out of the result (Java clients send nulls). */
function readOptionalFields(raw: Raw): FieldResult<OptionalFields> {
  const out: OptionalFields = {};
  const id = readOptionalId(raw, 'id');
  if (!id.ok) return id;
  if (id.value !== undefined) out.id = id.value;
  const geoId = readGeoId(raw);
  if (!geoId.ok) return geoId;
  if (geoId.value !== undefined) out.geoId = geoId.value;
  for (const name of OPTIONAL_NUMBERS) {
    const num = readOptionalNumber(raw, name);
    if (!num.ok) return num;
    if (num.value !== undefined) out[name] = num.value;
  }
  return { ok: true, value: out };
}

function fail(name: ImError['name'], reason: string): { ok: false; error: ImError } {
  return { ok: false, error: imError(name, reason) };
}
