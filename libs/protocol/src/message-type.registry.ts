import type { ContentSchema } from './content.schema';
import type { Channel, Direction, FromType, MessageTypeName, MessageTypeNumber } from './message-type.constants';
import { MESSAGE_TYPE_TABLE } from './message-type.table';
import { deepFreeze } from './internal/deep-freeze';

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
