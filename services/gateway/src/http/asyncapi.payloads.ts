import { ACTOR_TYPES, BUSINESS_EVENT_TYPES } from '@im/bus';
import type { CallCommand, GroupCommand, RelationCommand, WalletCommand } from '@im/bus';
import { ID_PATTERN } from '@im/protocol';
import type { MessageTypeSpec } from '@im/protocol';
import { imMessage } from './api-schemas';

/** The record schemas of the Kafka topics in the AsyncAPI document (asyncapi.ts), by payload type. */
export type Schema = Record<string, unknown>;

// Compile-time lists of every command kind: a kind added to a union in libs/bus/src/contracts/ and not here fails the build.
const GROUP_KINDS = {
  create: 1,
  invite: 1,
  kick: 1,
  leave: 1,
  dismiss: 1,
  rename: 1,
  'set-attribute': 1,
  'set-remark': 1,
  'mute-member': 1,
  'unmute-member': 1,
  'set-admin': 1,
  'unset-admin': 1,
  mute: 1,
  unmute: 1,
  'set-expiry': 1,
  'set-join-policy': 1,
  apply: 1,
  approve: 1,
  'refuse-application': 1,
  'offer-ownership': 1,
  'accept-ownership': 1,
  'refuse-ownership': 1,
} as const satisfies Record<GroupCommand['kind'], 1>;
const RELATION_KINDS = {
  block: 1,
  unblock: 1,
  'friend-request': 1,
  'friend-accept': 1,
  'friend-refuse': 1,
  unfriend: 1,
  profile: 1,
} as const satisfies Record<RelationCommand['kind'], 1>;
const WALLET_KINDS = {
  topup: 1,
  withdraw: 1,
  'red-packet-send': 1,
  'red-packet-open': 1,
  'collection-create': 1,
  'collection-pay': 1,
  like: 1,
  tip: 1,
  'transfer-send': 1,
  'transfer-accept': 1,
  'transfer-return': 1,
} as const satisfies Record<WalletCommand['kind'], 1>;
const CALL_KINDS = {
  signal: 1,
  'device-connected': 1,
  'device-disconnected': 1,
  'users-lost': 1,
} as const satisfies Record<CallCommand['kind'], 1>;

const command = (title: string, kinds: Record<string, 1>, extra: Schema = {}): Schema => ({
  type: 'object',
  title,
  description: `One of the kinds below; the fields of each: \`${title}\` in libs/bus/src/contracts/ (one file per domain).`,
  required: ['kind'],
  properties: { kind: { type: 'string', enum: Object.keys(kinds) }, ...extra },
});

/** `group service (POST /v1/groups/:groupId/members)`, for each producer of the type. */
export const producers = (spec: MessageTypeSpec): string =>
  spec.producedBy.map((p) => `${p.service} service (${p.via})`).join('; ') || 'none (a client to the server only)';

export const ms = { type: 'integer', description: 'Milliseconds since the Unix epoch.' };
const id = { type: 'string', pattern: ID_PATTERN.source };

export const PAYLOADS: Readonly<Record<string, Schema>> = {
  ChatRecord: {
    type: 'object',
    title: 'ChatRecord',
    required: ['kind', 'conversationId', 'message', 'senderDeviceId'],
    properties: {
      kind: { const: 'chat' },
      conversationId: { type: 'string' },
      message: imMessage,
      senderDeviceId: { type: 'string' },
    },
  },
  GroupCommand: command('GroupCommand', GROUP_KINDS, {
    groupId: id,
    userId: id,
    commandId: { type: 'string' },
    at: ms,
  }),
  RelationCommand: command('RelationCommand', RELATION_KINDS, { userId: id, targetId: id }),
  WalletCommand: command('WalletCommand', WALLET_KINDS, { at: ms }),
  CallCommand: command('CallCommand', CALL_KINDS),
  BusinessEvent: {
    type: 'object',
    title: 'BusinessEvent',
    description: 'docs/business-events.md; unknown fields are refused (dead-lettered).',
    required: ['eventId', 'messageType', 'fromType', 'fromId', 'target'],
    additionalProperties: false,
    properties: {
      eventId: {
        type: 'string',
        pattern: '^[A-Za-z0-9_.@-]{1,100}$',
        description: 'The same id again notifies nobody again.',
      },
      messageType: { type: 'integer', enum: [...BUSINESS_EVENT_TYPES] },
      fromType: { type: 'integer', enum: [3, 4, 5] },
      fromId: id,
      fromName: { type: 'string' },
      imageIconUrl: { type: 'string' },
      actorId: { ...id, description: `The user the event is about (required for ${ACTOR_TYPES.join(', ')}).` },
      target: {
        oneOf: [
          {
            type: 'object',
            required: ['users'],
            additionalProperties: false,
            properties: { users: { type: 'array', items: id, minItems: 1 } },
          },
          { type: 'object', required: ['group'], additionalProperties: false, properties: { group: id } },
          { type: 'object', required: ['friendsOf'], additionalProperties: false, properties: { friendsOf: id } },
          {
            type: 'object',
            required: ['allOnline'],
            additionalProperties: false,
            properties: { allOnline: { const: true } },
          },
        ],
      },
      content: { description: 'Checked against the message type’s content schema (docs/protocol.md).' },
      at: ms,
    },
  },
  PushRecord: {
    type: 'object',
    title: 'PushRecord',
    required: [
      'pushId',
      'userId',
      'conversationId',
      'msgId',
      'messageType',
      'fromId',
      'title',
      'body',
      'badge',
      'sendTime',
      'tokens',
      'priority',
    ],
    properties: {
      pushId: { type: 'string', description: '<conversationId>/<msgId>/<userId>: drop repeats by it.' },
      userId: { type: 'string' },
      conversationId: { type: 'string' },
      msgId: { type: 'string' },
      messageType: { type: 'integer' },
      fromId: { type: 'string' },
      title: { type: 'string', description: 'The sender’s name, or the group name.' },
      body: { type: 'string', description: 'A short preview (60 characters) or a label such as "[Image]".' },
      badge: { type: 'integer', description: 'The user’s unread messages over all conversations.' },
      sendTime: ms,
      tokens: {
        type: 'array',
        minItems: 1,
        description: 'The user’s devices with a push token and no socket open.',
        items: {
          type: 'object',
          required: ['deviceId', 'platform', 'token'],
          properties: {
            deviceId: { type: 'string' },
            platform: { type: 'string', enum: ['apns', 'fcm'] },
            token: { type: 'string' },
          },
        },
      },
      priority: { type: 'string', enum: ['high', 'normal'], description: 'high: a ringing call.' },
      collapseKey: { type: 'string', description: 'call:<callId>: a missed call replaces its ringing push.' },
    },
  },
};
