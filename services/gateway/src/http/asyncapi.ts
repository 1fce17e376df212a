import { REPLIES_TOPIC, TOPIC_MAP } from '@im/bus';
import { ErrorCodes, MESSAGE_TYPES, contentJsonSchema, describeContent } from '@im/protocol';
import type { MessageTypeSpec } from '@im/protocol';
import { imMessage } from './api-schemas';

/**
 * The AsyncAPI 3 document of the system (`GET /asyncapi.json`), generated from the message type
 * registry (libs/protocol) and the topic contracts (libs/bus/src/contracts/topic-map.ts): the Socket.IO events a
 * client meets (`ready`, `chat`, `chatroom`, `im_error`, `kicked`) with one message per type, and
 * the Kafka topics between the services. Written from the server's side: it `receive`s what a
 * client emits and `send`s what it emits; for Kafka, the system both produces and consumes.
 */
import { PAYLOADS, ms, producers } from './asyncapi.payloads';
import type { Schema } from './asyncapi.payloads';
const ERROR_NAMES = Object.keys(ErrorCodes);

/** A message of one type: the frame with `messageType` fixed and `content` as the registry says. */
function typeMessage(spec: MessageTypeSpec): Schema {
  const payload = {
    ...imMessage,
    title: spec.name,
    properties: {
      ...(imMessage.properties as Record<string, unknown>),
      messageType: { const: spec.type },
      fromType: { type: 'integer', enum: [...spec.fromTypes] },
      content: { ...contentJsonSchema(spec.content), description: describeContent(spec.content) },
    },
  };
  const send =
    spec.clientSend === undefined
      ? 'none (server to client only)'
      : spec.clientSend.kind === 'http-only'
        ? `http-only: ${spec.clientSend.route}`
        : spec.clientSend.kind;
  return {
    name: spec.name,
    title: `${spec.type} ${spec.name}`,
    summary: spec.description,
    description: `Direction ${spec.direction}; a client send: ${send}; ${spec.stored ? 'stored (seq, synced after type 1)' : 'live only'}; ${spec.unread ? 'counts as unread' : 'never unread'}. Produced by: ${producers(spec)}. Received by: ${spec.receivedBy}. Preview label: ${spec.pushLabel || '—'}. docs/protocol.md#${spec.type}-${spec.name.toLowerCase().replace(/_/g, '-')}`,
    payload,
    examples: [
      {
        name: 'content',
        summary: 'The registry’s example content',
        payload: {
          msgId: 'b1946ac9-2c4b-4f1e-9d0e-6f1a2b3c4d5e',
          messageType: spec.type,
          fromId: 'alice',
          fromType: spec.fromTypes[0],
          destId: 'bob',
          fromName: 'Alice',
          imageIconUrl: '',
          content: spec.example,
        },
      },
    ],
  };
}

const ref = (path: string): { $ref: string } => ({ $ref: path });
const messageKey = (spec: MessageTypeSpec): string => `t${spec.type}_${spec.name}`;

export function asyncApiDocument(info: { version: string }): Schema {
  const onChannel = (channel: 'chat' | 'chatroom') => MESSAGE_TYPES.filter((t) => t.channel === channel);
  const messagesOf = (channel: 'chat' | 'chatroom'): Record<string, Schema> =>
    Object.fromEntries(onChannel(channel).map((t) => [messageKey(t), typeMessage(t)]));
  const uplinks = (channel: 'chat' | 'chatroom') =>
    onChannel(channel)
      .filter((t) => t.direction !== 'down')
      .map((t) => ref(`#/channels/${channel}/messages/${messageKey(t)}`));
  const downlinks = (channel: 'chat' | 'chatroom') =>
    onChannel(channel)
      .filter((t) => t.direction !== 'up')
      .map((t) => ref(`#/channels/${channel}/messages/${messageKey(t)}`));
  const socket = [ref('#/servers/gateway')];
  const kafka = [ref('#/servers/kafka')];

  const channels: Record<string, Schema> = {
    ready: {
      address: 'ready',
      title: 'ready',
      description:
        'Emitted once after a successful handshake. The client then sends type 1 on `chat`; only then does delivery start.',
      servers: socket,
      messages: { ready: ref('#/components/messages/ready') },
    },
    chat: {
      address: 'chat',
      title: 'chat',
      description:
        'Every message type but the chatroom ones, both ways. An uplink gets its answer in the Socket.IO acknowledgement (`chatAck`); a downlink must be acknowledged, or it is sent again after the device’s next type 1.',
      servers: socket,
      messages: messagesOf('chat'),
    },
    chatroom: {
      address: 'chatroom',
      title: 'chatroom',
      description: 'Chatroom messages 100–102, both ways, acknowledged like `chat`.',
      servers: socket,
      messages: messagesOf('chatroom'),
    },
    ack: {
      address: null,
      title: 'Socket.IO acknowledgement',
      description:
        'The acknowledgement callback of an emit on `chat` or `chatroom`: the server’s answer to that one message.',
      servers: socket,
      messages: { ack: ref('#/components/messages/ack') },
    },
    im_error: {
      address: 'im_error',
      title: 'im_error',
      description: 'The answer to an uplink sent without an acknowledgement callback, when it was refused.',
      servers: socket,
      messages: { imError: ref('#/components/messages/imError') },
    },
    kicked: {
      address: 'kicked',
      title: 'kicked',
      description:
        'The server is closing this socket (a login elsewhere, revoked sessions, a ban: `user banned`); the socket closes next.',
      servers: socket,
      messages: { kicked: ref('#/components/messages/kicked') },
    },
  };
  const operations: Record<string, Schema> = {
    sendReady: {
      action: 'send',
      channel: ref('#/channels/ready'),
      summary: 'Tell a client it is connected, with its user id',
      messages: [ref('#/channels/ready/messages/ready')],
    },
    receiveChat: {
      action: 'receive',
      channel: ref('#/channels/chat'),
      summary: 'A client sends a message; the server answers in the acknowledgement',
      messages: uplinks('chat'),
      reply: { channel: ref('#/channels/ack'), messages: [ref('#/channels/ack/messages/ack')] },
    },
    sendChat: {
      action: 'send',
      channel: ref('#/channels/chat'),
      summary: 'The server delivers a message; the client acknowledges it',
      messages: downlinks('chat'),
    },
    receiveChatroom: {
      action: 'receive',
      channel: ref('#/channels/chatroom'),
      summary: 'A client enters or leaves a chatroom, or speaks in it',
      messages: uplinks('chatroom'),
      reply: { channel: ref('#/channels/ack'), messages: [ref('#/channels/ack/messages/ack')] },
    },
    sendChatroom: {
      action: 'send',
      channel: ref('#/channels/chatroom'),
      summary: 'The server delivers a chatroom message',
      messages: downlinks('chatroom'),
    },
    sendImError: {
      action: 'send',
      channel: ref('#/channels/im_error'),
      summary: 'Refuse an uplink that had no acknowledgement callback',
      messages: [ref('#/channels/im_error/messages/imError')],
    },
    sendKicked: {
      action: 'send',
      channel: ref('#/channels/kicked'),
      summary: 'Tell a client its socket is being closed',
      messages: [ref('#/channels/kicked/messages/kicked')],
    },
  };

  const camel = (topic: string): string =>
    topic.replace(/^im\./, '').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase());
  for (const t of TOPIC_MAP) {
    const name = camel(t.topic);
    const messageName = t.payloadType;
    channels[name] = {
      address: t.topic,
      title: t.topic,
      summary: `${t.producers.join(', ')} → ${t.consumer}${t.pattern === 'request' ? ' (request/reply on im.replies)' : ''}`,
      description: `${t.description} Key: ${t.key}. Prefixed \`<IM_KAFKA_NAMESPACE>.\` when a namespace is set; a record that cannot be handled goes to \`${t.topic}.dlq\`.`,
      servers: kafka,
      messages: {
        [messageName]: {
          name: messageName,
          title: messageName,
          contentType: 'application/json',
          payload: PAYLOADS[t.payloadType] ?? { type: 'object' },
          bindings: { kafka: { key: { type: 'string', description: t.key }, bindingVersion: '0.5.0' } },
        },
      },
      bindings: { kafka: { topic: t.topic, bindingVersion: '0.5.0' } },
    };
    const producedHere = !t.producers.every((p) => p.includes('other teams'));
    if (producedHere) {
      operations[`publish${name.charAt(0).toUpperCase()}${name.slice(1)}`] = {
        action: 'send',
        channel: ref(`#/channels/${name}`),
        summary: `${t.producers.join(', ')} produce ${t.topic}`,
        messages: [ref(`#/channels/${name}/messages/${messageName}`)],
        ...(t.pattern === 'request'
          ? {
              reply: {
                channel: ref('#/channels/replies'),
                messages: [ref('#/channels/replies/messages/CommandReply')],
              },
            }
          : {}),
      };
    }
    if (!t.consumer.includes('outside this system')) {
      operations[`consume${name.charAt(0).toUpperCase()}${name.slice(1)}`] = {
        action: 'receive',
        channel: ref(`#/channels/${name}`),
        summary: `${t.consumer} consumes ${t.topic}`,
        messages: [ref(`#/channels/${name}/messages/${messageName}`)],
        bindings: { kafka: { groupId: { type: 'string', enum: [t.consumer] }, bindingVersion: '0.5.0' } },
      };
    }
  }
  channels.replies = {
    address: REPLIES_TOPIC,
    title: REPLIES_TOPIC,
    description:
      'The answers to request/reply commands. Key: the requesting bus instance id; each instance reads the records keyed by its own id.',
    servers: kafka,
    messages: {
      CommandReply: {
        name: 'CommandReply',
        title: 'CommandReply',
        contentType: 'application/json',
        payload: {
          oneOf: [
            {
              type: 'object',
              required: ['ok', 'value'],
              properties: { ok: { const: true }, value: { description: 'The command’s result.' } },
            },
            {
              type: 'object',
              required: ['ok', 'error', 'reason'],
              properties: {
                ok: { const: false },
                error: { type: 'string', enum: ERROR_NAMES },
                reason: { type: 'string' },
              },
            },
          ],
        },
      },
    },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'IM cluster: Socket.IO events and Kafka topics',
      version: info.version,
      description:
        'Generated from the message type registry (libs/protocol) and the topic contracts (libs/bus/src/contracts/). Socket.IO v4 (Engine.IO 4; v2 clients too) on the gateway’s port: authenticate with a HS256 JWT as `auth.token` (or `?token=`). One message per type on `chat` and `chatroom`; people read the same in docs/protocol.md. The HTTP API: /openapi.json.',
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: 'localhost:9092',
        protocol: 'ws',
        pathname: '/socket.io/',
        title: 'Gateway (Socket.IO)',
        description: 'Socket.IO on the gateway’s port (IM_PORT), the same as the HTTP API.',
      },
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        title: 'Kafka (cluster mode)',
        description: 'The brokers of IM_KAFKA_BROKERS; embedded mode runs the same topics in memory.',
      },
    },
    channels,
    operations,
    components: {
      messages: {
        ready: {
          name: 'ready',
          payload: {
            type: 'object',
            required: ['userId', 'serverTime'],
            properties: {
              userId: { type: 'string', description: 'The token’s subject: use it as fromId.' },
              serverTime: ms,
            },
          },
        },
        ack: {
          name: 'ack',
          payload: {
            oneOf: [
              {
                type: 'object',
                title: 'Accepted',
                required: ['code', 'msgId', 'serverTime'],
                properties: { code: { const: 0 }, msgId: { type: 'string' }, serverTime: ms },
              },
              {
                type: 'object',
                title: 'Refused',
                required: ['code', 'msgId', 'error'],
                properties: {
                  code: { type: 'integer', enum: Object.values(ErrorCodes).map((e) => e.code) },
                  msgId: { type: 'string' },
                  error: { type: 'string' },
                },
              },
            ],
          },
        },
        imError: {
          name: 'im_error',
          payload: {
            type: 'object',
            required: ['code', 'msgId', 'error'],
            properties: { code: { type: 'integer' }, msgId: { type: 'string' }, error: { type: 'string' } },
          },
        },
        kicked: {
          name: 'kicked',
          payload: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
        },
      },
    },
  };
}
