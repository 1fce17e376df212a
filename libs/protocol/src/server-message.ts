import type { ImMessage } from './im-message';
import { FromType } from './message-type.constants';
import type { FromType as FromTypeNumber, MessageTypeNumber } from './message-type.constants';

/** The name of a `fromType`: `'PERSON'`, `'GROUP'`, `'SYSTEM'`, `'THIRD_PARTY'`, `'OFFICIAL_ACCOUNT'`. */
export type FromTypeName = keyof typeof FromType;

const FROM_TYPE_NAMES = Object.fromEntries(Object.entries(FromType).map(([name, n]) => [n, name])) as Record<
  FromTypeNumber,
  FromTypeName
>;

/** The name of a `fromType` number (3 → `'SYSTEM'`). */
export function fromTypeName(fromType: FromTypeNumber): FromTypeName {
  return FROM_TYPE_NAMES[fromType];
}

/** The longest msgId the protocol carries (ids are 1-128 characters). */
export const MAX_MSG_ID_LENGTH = 128;

/** Who a server-made message is from, as its receivers will see it. */
export interface ServerMessageSender {
  readonly id: string;
  readonly type: FromTypeName;
  /** The sender's display name, when the caller knows it (a user directory will); default `''`. */
  readonly name?: string | undefined;
  /** The sender's icon URL, when the caller knows it; default `''`. */
  readonly iconUrl?: string | undefined;
}

export interface ServerMessageInput {
  /**
   * Made from what the message is about (a command id, a packet id, an event id), so a repeated
   * step makes the same message and the store keeps it once. Cut to 128 characters.
   */
  readonly msgId: string;
  readonly messageType: MessageTypeNumber;
  readonly from: ServerMessageSender;
  /** The receiver: a user id, a group id. */
  readonly destId: string;
  readonly content: unknown;
  /** When it happened (ms): its `sendTime`. */
  readonly at: number;
}

/** A message the server makes (a notice, a call signal, a red packet's 17): the one way to build one. */
export function serverMessage(input: ServerMessageInput): ImMessage & { sendTime: number } {
  const { from } = input;
  return {
    msgId: input.msgId.slice(0, MAX_MSG_ID_LENGTH),
    messageType: input.messageType,
    fromId: from.id,
    fromType: FromType[from.type],
    destId: input.destId,
    fromName: from.name ?? '',
    imageIconUrl: from.iconUrl ?? '',
    content: input.content,
    sendTime: input.at,
  };
}
