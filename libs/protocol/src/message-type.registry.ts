import type { ContentSchema } from './content.schema';
import type { Channel, Direction, FromType, MessageTypeName, MessageTypeNumber } from './message-type.constants';
import { MESSAGE_TYPE_TABLE } from './message-type.table';
import { withOrigin } from './message-type.origins';
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

/** The processes that make messages (services/<name>). */
export type ProducingService = 'gateway' | 'message' | 'group' | 'relation' | 'events' | 'wallet' | 'call';

/** One way a message of a type comes to be: which service makes it, and what makes it do so. */
export interface Producer {
  readonly service: ProducingService;
  /** An HTTP route (`POST /v1/groups/:groupId/members`), a socket event (`chat`), a topic (`im.events.in`) or a timer. */
  readonly via: string;
}

/**
 * How a business event on `im.events.in` may carry this type (docs/business-events.md):
 * `actor` — the event names the user it is about (`actorId`, required) and comes from them;
 * `target` — `group` (the `{group}` target only), `users` (`users` or `friendsOf`), or
 * `users-or-everyone` (also `allOnline`).
 */
export interface BusinessEventRule {
  readonly actor: boolean;
  readonly target: 'group' | 'users' | 'users-or-everyone';
}

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
  /** Who makes it: for a type a client sends, the service that handles that send. */
  readonly producedBy: readonly Producer[];
  /** Who receives it, in words. */
  readonly receivedBy: string;
  /** Present when other teams' services may publish it as a business event. */
  readonly businessEvent?: BusinessEventRule;
  /** What an offline push or a conversation list shows for it instead of the content: `[Image]`. */
  readonly pushLabel: string;
  /** The preview shows the content's text (cut) when it has some: the content itself, or its `text` field. */
  readonly pushShowsText: boolean;
}

/** Every message type, in number order, deeply frozen. */
export const MESSAGE_TYPES: readonly MessageTypeSpec[] = deepFreeze(
  MESSAGE_TYPE_TABLE.map(withOrigin).sort((a, b) => a.type - b.type),
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

/** The types other teams' services may publish as business events, and how (docs/business-events.md). */
export function businessEventTypes(): ReadonlyMap<number, BusinessEventRule> {
  return new Map(
    MESSAGE_TYPES.flatMap((spec) =>
      spec.businessEvent === undefined ? [] : [[spec.type, spec.businessEvent] as const],
    ),
  );
}
