import { businessEventTypes } from '@im/protocol';
import type { MessageTypeNumber } from '@im/protocol';
import { streamTopic } from './topic-contract';

/** The message types a business event may carry (docs/business-events.md): the registry's `businessEvent` types. */
export const BUSINESS_EVENT_TYPES: readonly MessageTypeNumber[] = [
  ...businessEventTypes().keys(),
] as MessageTypeNumber[];
export type BusinessEventType = MessageTypeNumber;

/** Who receives a business event: listed users, a group's members, a user's friends, or everyone online (68 only). */
export type BusinessEventTarget =
  | { readonly users: readonly string[] }
  | { readonly group: string }
  | { readonly friendsOf: string }
  | { readonly allOnline: true };

/**
 * A business event on `im.events.in`. Validated by the events service (unknown fields refused).
 * `fromType` is the publisher's kind: 3 system, 4 third party, 5 official account. `actorId`
 * names the user the event is about (the friend who posted, commented, liked, @-ed, shook, or
 * changed their profile): required for 26, 36, 37, 38, 49 and 67, whose notifications then come
 * from that user (fromType 1).
 */
export interface BusinessEvent {
  /** 1–100 characters from `A-Z a-z 0-9 _ . @ -`; the same id again stores nothing new (its notice is delivered again; a device drops a seq it has). */
  readonly eventId: string;
  readonly messageType: BusinessEventType;
  readonly fromType: 3 | 4 | 5;
  /** The publishing system, third-party service or official account. */
  readonly fromId: string;
  readonly fromName?: string;
  readonly imageIconUrl?: string;
  readonly actorId?: string;
  readonly target: BusinessEventTarget;
  /** Checked against the message type's content schema (docs/protocol-notes.md). */
  readonly content?: unknown;
  /** The event's time (ms); default: when the events service handles it. */
  readonly at?: number;
}

/**
 * Business events from other teams' services (moments, official accounts, payments, operations),
 * turned into stored notifications. Consumer: events service. An invalid event goes to
 * `im.events.in.dlq` with the reason.
 */
export const EVENTS_IN = streamTopic<BusinessEvent>()('im.events.in', (event) => event.eventId, {
  key: 'the event id',
  producers: ['other teams’ services', 'gateway (admin notices)'],
  consumer: 'events-service',
  description:
    'Business events (moments, payments, official accounts, system notices, group check-in) turned into stored notifications; an invalid one goes to im.events.in.dlq with the reason (docs/business-events.md).',
  payloadType: 'BusinessEvent',
});
