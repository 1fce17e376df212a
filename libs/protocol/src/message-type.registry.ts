import type { ContentSchema } from './content.schema';
import type { Channel, Direction, FromType, MessageTypeName, MessageTypeNumber } from './message-type.constants';
import { MESSAGE_TYPE_TABLE } from './message-type.table';
import { deepFreeze } from './internal/deep-freeze';

/**
 * What this server does when a client sends a message of this type. Down-only types have none.
 * - `conversation`: the message service stores it in the conversation (recall 32 and read 33 too);
 * - `reaction`: a like or tip on a group message (82, 83), carried out by the wallet service;
 * - `call-signal`: call signalling, handled by the call service;
 * - `session`: ready (1) and heartbeat (31), answered by the gateway;
 * - `chatroom`: sent on the `chatroom` event, not `chat`;
 * - `http-only`: refused on the socket; the client uses `route` and the server then sends the type.
 */
export type ClientSend =
  | { readonly kind: 'conversation' | 'reaction' | 'call-signal' | 'session' | 'chatroom' }
  | { readonly kind: 'http-only'; readonly route: string };

export type ClientSendKind = ClientSend['kind'];

/** Everything the server needs to know about one `messageType`. */
export interface MessageTypeSpec {
  readonly type: MessageTypeNumber;
  readonly name: MessageTypeName;
  readonly direction: Direction;
  readonly channel: Channel;
  /** English meaning, from PROTOCOL.md (corrected where the Chinese original differs). */
  readonly description: string;
  /** Kept in the conversation history with a seq. */
  readonly stored: boolean;
  /** Counts toward the receiver's unread count. */
  readonly unread: boolean;
  /** The `fromType` values a message of this type may carry. */
  readonly fromTypes: readonly FromType[];
  /** What a client's message of this type does here; absent for down-only types. */
  readonly clientSend?: ClientSend;
  readonly content: ContentSchema;
  /** A valid example content, used by docs and tests. */
  readonly example: unknown;
}

/** Every message type, in number order, deeply frozen. */
export const MESSAGE_TYPES: readonly MessageTypeSpec[] = deepFreeze(
  [...MESSAGE_TYPE_TABLE].sort((a, b) => a.type - b.type),
);

const BY_NUMBER: ReadonlyMap<number, MessageTypeSpec> = new Map(MESSAGE_TYPES.map((spec) => [spec.type, spec]));

/** The spec of a type number, or undefined for a number the protocol does not define (e.g. 69). */
export function messageTypeSpec(type: number): MessageTypeSpec | undefined {
  return BY_NUMBER.get(type);
}

/** The types whose client messages this server handles as `kind` (e.g. every conversation type). */
export function typesSentAs(kind: ClientSendKind): ReadonlySet<number> {
  return new Set(MESSAGE_TYPES.filter((spec) => spec.clientSend?.kind === kind).map((spec) => spec.type));
}
