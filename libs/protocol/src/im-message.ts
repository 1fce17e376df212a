import type { FromType, MessageTypeNumber } from './message-type.constants';

/** The message object of the wire protocol (`lmMessage` in the original), after parsing. */
export interface ImMessage {
  /** Sender-generated UUID; the idempotency key. */
  msgId: string;
  fromId: string;
  fromType: FromType;
  /** Receiver: a user id, a group id, or any value for a message to the system. */
  destId: string;
  fromName: string;
  imageIconUrl: string;
  /** Normalised content; its shape depends on `messageType` (see MESSAGE_TYPES). */
  content: unknown;
  messageType: MessageTypeNumber;
  /** Database primary key. */
  id?: string;
  version?: number;
  /** 1 Android, 2 iOS, 3 PC. */
  devType?: number;
  /** Position (latitude/longitude); the original spells it `geold`. */
  geoId?: string;
  /** Milliseconds since the Unix epoch. */
  sendTime?: number;
  receiveTime?: number;
  status?: number;
  /** Server-assigned, increasing per conversation; a client's value is ignored. */
  seq?: number;
}
