import { BUSINESS_EVENT_TYPES } from './contracts/events.contract';
import type { BusinessEvent, BusinessEventTarget, BusinessEventType } from './contracts/events.contract';
import {
  businessEventTypes,
  fromTypeName,
  isValidId,
  MAX_FROM_NAME_LENGTH,
  MAX_URL_LENGTH,
  parseImMessage,
  serverMessage,
  urlProblem,
} from '@im/protocol';
import type { BusinessEventRule, ImMessage, MessageTypeNumber } from '@im/protocol';

/** Longest event id: the stored notice's msgId is `ev-<eventId>`, at most 128 characters. */
export const MAX_EVENT_ID_LENGTH = 100;

const RULES = businessEventTypes();
const typesWhere = (f: (rule: BusinessEventRule) => boolean): readonly number[] =>
  [...RULES].filter(([, rule]) => f(rule)).map(([type]) => type);

/** Types about one user's action (the friend who posted, liked, shook...): `actorId` required, sent from them (fromType 1). */
export const ACTOR_TYPES = typesWhere((r) => r.actor);
/** Types about a group: the target must be `{ group }`, and the notice is stored in the group conversation. */
export const GROUP_TYPES = typesWhere((r) => r.target === 'group');
/** The types that may go to everyone online (68). */
export const ALL_ONLINE_TYPES = typesWhere((r) => r.target === 'users-or-everyone');

const FIELDS = new Set([
  'eventId',
  'messageType',
  'fromType',
  'fromId',
  'fromName',
  'imageIconUrl',
  'actorId',
  'target',
  'content',
  'at',
]);
const TARGET_KINDS = ['users', 'group', 'friendsOf', 'allOnline'] as const;

export type EventCheck =
  { readonly ok: true; readonly event: BusinessEvent } | { readonly ok: false; readonly reason: string };

class Invalid extends Error {}

function invalid(reason: string): never {
  throw new Invalid(reason);
}

function id(raw: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const v = raw[field];
  if (v === undefined) return required ? invalid(`${field} is required`) : undefined;
  return isValidId(v) ? v : invalid(`${field} must be an id (1-128 characters from A-Z a-z 0-9 _ . @ -)`);
}

function text(raw: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = raw[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) invalid(`${field} must be a string of at most ${max} characters`);
  return v;
}

function readTarget(v: unknown, maxUsers: number): BusinessEventTarget {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid('target must be an object');
  const t = v as Record<string, unknown>;
  const keys = Object.keys(t);
  if (keys.length !== 1 || !TARGET_KINDS.some((k) => k === keys[0])) {
    invalid(`target must have exactly one of ${TARGET_KINDS.join(', ')}`);
  }
  if ('users' in t) {
    const users = t.users;
    if (!Array.isArray(users) || users.length === 0 || users.length > maxUsers)
      invalid(`target.users must be a list of 1 to ${maxUsers} user ids`);
    if (!users.every(isValidId)) invalid('target.users must hold user ids only');
    return { users: [...new Set(users)] };
  }
  if ('group' in t) return { group: isValidId(t.group) ? t.group : invalid('target.group must be a group id') };
  if ('friendsOf' in t)
    return { friendsOf: isValidId(t.friendsOf) ? t.friendsOf : invalid('target.friendsOf must be a user id') };
  return t.allOnline === true ? { allOnline: true } : invalid('target.allOnline must be true');
}

function check(value: unknown, maxUsers: number): BusinessEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('the event must be a JSON object');
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) invalid(`unknown field(s): ${unknown.join(', ')}`);
  const eventId = id(raw, 'eventId', true) ?? '';
  if (eventId.length > MAX_EVENT_ID_LENGTH) invalid(`eventId must be at most ${MAX_EVENT_ID_LENGTH} characters`);
  const messageType = raw.messageType;
  if (!BUSINESS_EVENT_TYPES.some((t) => t === messageType))
    invalid(`messageType must be one of ${BUSINESS_EVENT_TYPES.join(', ')}`);
  const type = messageType as BusinessEventType;
  const fromType = raw.fromType;
  if (fromType !== 3 && fromType !== 4 && fromType !== 5)
    invalid('fromType must be 3 (system), 4 (third party) or 5 (official account)');
  const fromId = id(raw, 'fromId', true) ?? '';
  const fromName = text(raw, 'fromName', MAX_FROM_NAME_LENGTH);
  const imageIconUrl = text(raw, 'imageIconUrl', MAX_URL_LENGTH);
  const iconProblem = imageIconUrl ? urlProblem(imageIconUrl) : undefined;
  if (iconProblem !== undefined) invalid(`imageIconUrl ${iconProblem}`);
  const actorId = id(raw, 'actorId', false);
  if (ACTOR_TYPES.includes(type) && actorId === undefined)
    invalid(`actorId is required for messageType ${type} (the user the event is about)`);
  if (!ACTOR_TYPES.includes(type) && actorId !== undefined) invalid(`actorId is not allowed for messageType ${type}`);
  const target = readTarget(raw.target, maxUsers);
  if (GROUP_TYPES.includes(type) !== 'group' in target) {
    invalid(
      GROUP_TYPES.includes(type)
        ? `messageType ${type} needs target.group`
        : `target.group is only for messageTypes ${GROUP_TYPES.join(', ')}`,
    );
  }
  if ('allOnline' in target && !ALL_ONLINE_TYPES.includes(type))
    invalid(`target.allOnline is only for messageType ${ALL_ONLINE_TYPES.join(', ')}`);
  const at = raw.at;
  if (at !== undefined && (typeof at !== 'number' || !Number.isSafeInteger(at) || at <= 0))
    invalid('at must be a time in ms (a positive integer)');
  const event: BusinessEvent = {
    eventId,
    messageType: type,
    fromType,
    fromId,
    target,
    ...(fromName !== undefined ? { fromName } : {}),
    ...(imageIconUrl !== undefined ? { imageIconUrl } : {}),
    ...(actorId !== undefined ? { actorId } : {}),
    ...(raw.content !== undefined ? { content: raw.content } : {}),
    ...(at !== undefined ? { at } : {}),
  };
  // The notification itself must be a valid downlink message: fromType allowed for the type, content per its schema.
  const probe = parseImMessage(toDownlink(event, 'probe', 1), { direction: 'any' });
  if (!probe.ok) invalid(probe.error.reason);
  return { ...event, ...(probe.message.content !== undefined ? { content: probe.message.content } : {}) };
}

/**
 * Checks a record of `im.events.in` against the schema of its kind (docs/business-events.md).
 * Never throws: a bad event gets the first reason found.
 */
export function readBusinessEvent(value: unknown, maxUsers: number): EventCheck {
  try {
    return { ok: true, event: check(value, maxUsers) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The stored notice's msgId: one per event in each conversation, so a repeated event is a duplicate. */
export function noticeMsgId(eventId: string): string {
  return `ev-${eventId}`;
}

/** The downlink message an event becomes, addressed to `destId` (a user, or the group). */
export function toDownlink(event: BusinessEvent, destId: string, sendTime: number): ImMessage & { sendTime: number } {
  const actor = event.actorId;
  const from = {
    id: actor ?? event.fromId,
    type: actor !== undefined ? ('PERSON' as const) : fromTypeName(event.fromType),
    name: event.fromName,
    iconUrl: event.imageIconUrl,
  };
  return serverMessage({
    msgId: noticeMsgId(event.eventId),
    messageType: event.messageType as MessageTypeNumber,
    from,
    destId,
    content: event.content,
    at: sendTime,
  });
}
