import { ErrorCodes, MESSAGE_TYPES, describeContent } from '@im/protocol';
import type { BusinessEventRule, ClientSend, ContentSchema, Producer } from '@im/protocol';

/** One message type as the console's reference page shows it. */
export interface ReferenceType {
  readonly type: number;
  readonly name: string;
  readonly direction: string;
  readonly channel: string;
  readonly description: string;
  readonly stored: boolean;
  readonly unread: boolean;
  readonly fromTypes: readonly number[];
  /** The content schema as plain JSON; a cross-field rule shows as `"refine": "cross-field rule"`. */
  readonly content: unknown;
  /** The content schema in one line, the same text as docs/protocol.md's. */
  readonly contentText: string;
  /** What a client's message of this type does (absent: the server sends it, a client may not). */
  readonly clientSend?: ClientSend;
  readonly example: unknown;
  /** Which service makes it, and through what (an HTTP route, a socket event, a topic, a timer). */
  readonly producedBy: readonly Producer[];
  readonly receivedBy: string;
  readonly businessEvent?: BusinessEventRule;
  /** What a push or a conversation list shows instead of the content; `pushShowsText`: the text when it has one. */
  readonly pushLabel: string;
  readonly pushShowsText: boolean;
}

export interface ProtocolReference {
  readonly types: readonly ReferenceType[];
  readonly errors: readonly { name: string; code: number; httpStatus: number; message: string }[];
}

/** A schema as JSON: functions (an object's `refine`) become a note, everything else is data already. */
function schemaJson(s: ContentSchema): unknown {
  return JSON.parse(
    JSON.stringify(s, (_key, value: unknown) => (typeof value === 'function' ? 'cross-field rule' : value)),
  );
}

/**
 * The protocol reference, built from the registry of `libs/protocol` at run time, so the page
 * that renders it can never drift from the code that validates messages.
 */
export function protocolReference(): ProtocolReference {
  return {
    types: MESSAGE_TYPES.map((t) => ({
      type: t.type,
      name: t.name,
      direction: t.direction,
      channel: t.channel,
      description: t.description,
      stored: t.stored,
      unread: t.unread,
      fromTypes: [...t.fromTypes],
      content: schemaJson(t.content),
      contentText: describeContent(t.content),
      ...(t.clientSend !== undefined ? { clientSend: { ...t.clientSend } } : {}),
      example: t.example,
      producedBy: t.producedBy.map((p) => ({ ...p })),
      receivedBy: t.receivedBy,
      ...(t.businessEvent !== undefined ? { businessEvent: { ...t.businessEvent } } : {}),
      pushLabel: t.pushLabel,
      pushShowsText: t.pushShowsText,
    })),
    errors: Object.entries(ErrorCodes).map(([name, e]) => ({
      name,
      code: e.code,
      httpStatus: e.httpStatus,
      message: e.message,
    })),
  };
}
