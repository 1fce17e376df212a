import type { AppendInput, StoredMessage } from '../store.port';
import { naturalKey } from './mongo.ids';
import type { MessageDoc } from './mongo.models';

export type WireMessage = StoredMessage['message'];

/** The fields a read needs (no `_id`, no copies of what `message` already holds). */
export const MESSAGE_READ_PROJECTION = {
  _id: 0,
  conversationId: 1,
  seq: 1,
  wire: 1,
  message: 1,
  contentJson: 1,
  recalled: 1,
  senderDeviceId: 1,
} as const;

export type MessageRow = Pick<MessageDoc, 'conversationId' | 'seq' | 'recalled'> &
  Partial<Pick<MessageDoc, 'wire' | 'message' | 'contentJson' | 'senderDeviceId'>>;

export const messageKey = (conversationId: string, msgId: string): string => naturalKey(conversationId, msgId);

/**
 * The wire message is stored as JSON text (`wire`), as the embedded store keeps it: one string
 * field costs the store less than a sub-document of a dozen fields (on FerretDB v1 with
 * PostgreSQL, 88 against 144 µs of CPU per inserted message, docs/benchmarks.md), and JSON text
 * holds any content the protocol accepts (dotted keys, nested arrays) as it is.
 */
export function toMessageDoc(input: AppendInput, seq: number): MessageDoc {
  const wire = { ...input.message, seq };
  const doc: MessageDoc = {
    _id: messageKey(input.conversationId, wire.msgId),
    conversationId: input.conversationId,
    msgId: wire.msgId,
    seq,
    fromId: wire.fromId,
    messageType: wire.messageType,
    recalled: false,
    wire: JSON.stringify(wire),
  };
  if (input.senderDeviceId !== undefined) doc.senderDeviceId = input.senderDeviceId;
  return doc;
}

/**
 * The wire message of a row: from `wire`; or, in a document written before `wire` existed, from
 * the sub-document `message`, whose content was moved to `contentJson` (JSON text) when the
 * backend could not store it natively (dotted or `$` keys, nested arrays, non-finite numbers).
 */
function wireOf(row: MessageRow): WireMessage {
  if (row.wire !== undefined) return JSON.parse(row.wire) as WireMessage;
  if (row.message === undefined) throw new Error(`stored message ${row.conversationId}#${row.seq} has no wire message`);
  const content: unknown = row.contentJson === undefined ? row.message.content : JSON.parse(row.contentJson);
  return { ...row.message, content } as WireMessage;
}

/** A row mapped field by field: nothing the driver adds (`_id`) reaches the caller. */
export function toStoredMessage(row: MessageRow): StoredMessage {
  const message = wireOf(row);
  return {
    conversationId: row.conversationId,
    seq: row.seq,
    message,
    recalled: row.recalled === true,
    senderDeviceId: row.senderDeviceId ?? undefined,
  };
}

/** What an append that wrote returns: the message exactly as given, plus its seq. */
export function appendedMessage(input: AppendInput, seq: number): StoredMessage {
  return {
    conversationId: input.conversationId,
    seq,
    message: { ...input.message, seq },
    recalled: false,
    senderDeviceId: input.senderDeviceId,
  };
}
