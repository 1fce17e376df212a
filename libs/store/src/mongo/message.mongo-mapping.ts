import type { AppendInput, StoredMessage } from '../store.port';
import { naturalKey } from './mongo.ids';
import type { MessageDoc } from './mongo.models';
import { decodeContent, encodeContent } from './message.content-codec';

export type WireMessage = StoredMessage['message'];

/** The fields a read needs (no `_id`, no copies of what `message` already holds). */
export const MESSAGE_READ_PROJECTION = {
  _id: 0,
  conversationId: 1,
  seq: 1,
  message: 1,
  contentJson: 1,
  recalled: 1,
  senderDeviceId: 1,
} as const;

export type MessageRow = Pick<MessageDoc, 'conversationId' | 'seq' | 'message' | 'recalled'> &
  Partial<Pick<MessageDoc, 'contentJson' | 'senderDeviceId'>>;

export const messageKey = (conversationId: string, msgId: string): string => naturalKey(conversationId, msgId);

export function toMessageDoc(input: AppendInput, seq: number): MessageDoc {
  const { content, ...wire } = { ...input.message, seq };
  const encoded = encodeContent(content);
  const doc: MessageDoc = {
    _id: messageKey(input.conversationId, wire.msgId),
    conversationId: input.conversationId,
    msgId: wire.msgId,
    seq,
    fromId: wire.fromId,
    messageType: wire.messageType,
    recalled: false,
    message: 'content' in encoded ? { ...wire, content: encoded.content } : wire,
  };
  if (encoded.contentJson !== undefined) doc.contentJson = encoded.contentJson;
  if (input.senderDeviceId !== undefined) doc.senderDeviceId = input.senderDeviceId;
  return doc;
}

/** A row mapped field by field: nothing the driver adds (`_id`) reaches the caller. */
export function toStoredMessage(row: MessageRow): StoredMessage {
  const message: WireMessage = {
    ...row.message,
    content: decodeContent({ content: row.message.content, contentJson: row.contentJson }),
  };
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
