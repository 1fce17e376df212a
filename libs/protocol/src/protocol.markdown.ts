import { acceptsJsonString, describeContent } from './content.describe';
import { ErrorCodes } from './error-codes';
import { FromType } from './message-type.constants';
import { MESSAGE_TYPES } from './message-type.registry';
import type { ClientSend, MessageTypeSpec } from './message-type.registry';

const FROM_TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(FromType).map(([name, n]) => [n, name.toLowerCase().replace('_', ' ')]),
);

const DIRECTION: Readonly<Record<string, string>> = {
  up: 'up (client → server)',
  down: 'down (server → client)',
  both: 'both (a client sends it, the server delivers it)',
};

function clientSendShort(spec: MessageTypeSpec): string {
  if (spec.clientSend === undefined) return '—';
  return spec.clientSend.kind === 'http-only' ? `http-only: \`${spec.clientSend.route}\`` : spec.clientSend.kind;
}

function clientSendLong(send: ClientSend | undefined): string {
  if (send === undefined)
    return 'nothing: the server sends this type; a client that sends it gets `IM_ERR_WRONG_DIRECTION` (40005).';
  switch (send.kind) {
    case 'conversation':
      return '`conversation`: the message service takes it into the conversation (stored with a seq and delivered, or for 32 / 33 acted on); the ack comes once it is durable.';
    case 'reaction':
      return '`reaction`: a like or tip on a group message, carried out by the wallet service, then delivered to the group.';
    case 'call-signal':
      return '`call-signal`: call signalling, handled by the call service ([docs/calls-and-chatrooms.md](calls-and-chatrooms.md)).';
    case 'session':
      return '`session`: answered by the gateway itself (1 starts delivery, 31 is answered with 31).';
    case 'chatroom':
      return '`chatroom`: sent on the `chatroom` event, not `chat` ([docs/calls-and-chatrooms.md](calls-and-chatrooms.md)).';
    case 'http-only':
      return `\`http-only\`: refused on the socket (\`IM_ERR_BAD_REQUEST\`, naming the route); the client calls \`${send.route}\` and the server then sends this type.`;
  }
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
/** `group`, `friend, events`: the services that make it, once each. */
const servicesOf = (spec: MessageTypeSpec): string => [...new Set(spec.producedBy.map((p) => p.service))].join(', ');
const producedByLong = (spec: MessageTypeSpec): string =>
  spec.producedBy
    .map((p) => `the ${p.service} service, on ${/^(GET|POST|PUT|PATCH|DELETE) /.test(p.via) ? `\`${p.via}\`` : p.via}`)
    .join('; ');
const pushLabel = (spec: MessageTypeSpec): string =>
  `${spec.pushLabel === '' ? '—' : `\`${spec.pushLabel}\``}${spec.pushShowsText ? ' (or the text itself)' : ''}`;
const EVENT_TARGETS: Readonly<Record<string, string>> = {
  group: '`{group}` only',
  users: '`users` or `friendsOf`',
  'users-or-everyone': '`users`, `friendsOf` or `allOnline`',
};
function businessEvent(spec: MessageTypeSpec): string[] {
  const rule = spec.businessEvent;
  if (rule === undefined) return [];
  const actor = rule.actor ? '`actorId` required (it comes from that user)' : 'no `actorId`';
  return [
    `| business event | other services may publish it on \`im.events.in\` ([docs/business-events.md](business-events.md)): ${actor}; target ${EVENT_TARGETS[rule.target] ?? rule.target} |`,
  ];
}
const fromTypes = (spec: MessageTypeSpec): string =>
  spec.fromTypes.map((t) => `${t} ${FROM_TYPE_NAMES[t] ?? ''}`.trim()).join(', ');
const anchor = (spec: MessageTypeSpec): string => `${spec.type}-${spec.name.toLowerCase().replace(/_/g, '-')}`;
/** Table cells may not hold a bare `|`. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

function section(spec: MessageTypeSpec): string {
  const lines = [
    `### ${spec.type} ${spec.name}`,
    '',
    spec.description + (spec.description.endsWith('.') ? '' : '.'),
    '',
    '| | |',
    '|---|---|',
    `| direction | ${DIRECTION[spec.direction] ?? spec.direction} |`,
    `| channel | \`${spec.channel}\` |`,
    `| a client send does | ${cell(clientSendLong(spec.clientSend))} |`,
    `| produced by | ${cell(producedByLong(spec))} |`,
    `| received by | ${cell(spec.receivedBy)} |`,
    ...businessEvent(spec),
    `| push / preview label | ${pushLabel(spec)} |`,
    `| stored, unread | ${spec.stored ? 'stored (has a seq, synced after type 1)' : 'live only (not stored)'}; ${spec.unread ? 'counts as unread' : 'never unread'} |`,
    `| fromType | ${fromTypes(spec)} |`,
    `| content | ${cell(`\`${describeContent(spec.content)}\``)}${acceptsJsonString(spec.content) ? ' (an object may also arrive as a string holding its JSON, from old clients)' : ''} |`,
    '',
    'Example content:',
    '',
    '```json',
    JSON.stringify(spec.example, null, 2),
    '```',
    '',
  ];
  return lines.join('\n');
}

/**
 * docs/protocol.md, generated from the message type registry (`npm run docs:protocol`;
 * test/e2e/protocol-doc.test.ts fails when the committed file is not this text).
 */
export function protocolMarkdown(): string {
  const head = [
    '# The wire protocol: every message type',
    '',
    '<!-- Generated from libs/protocol/src/message-type.table.ts by `npm run docs:protocol`. Do not edit: a test fails when this file is stale. -->',
    '',
    'Generated from the registry the server validates with (`libs/protocol/src/message-type.table.ts`),',
    'so it cannot drift from the code. The reasons behind the choices: [docs/protocol-notes.md](protocol-notes.md);',
    'the original contract: [docs/spec/PROTOCOL.md](spec/PROTOCOL.md); the same as a machine-readable document:',
    '`GET /asyncapi.json` (AsyncAPI 3) and, for the HTTP API, `GET /openapi.json` (rendered at `/docs`).',
    '',
    '## Events',
    '',
    '| event | direction | payload |',
    '|---|---|---|',
    '| `ready` | server → client, once after the handshake | `{userId, serverTime}` |',
    "| `chat` | both | a message (below); an uplink's ack callback gets `{code: 0, msgId, serverTime}` or `{code, msgId, error}`; a downlink must be acknowledged (call the ack callback) |",
    '| `chatroom` | both | a chatroom message (100–102), acknowledged like `chat` |',
    '| `im_error` | server → client | `{code, msgId, error}`, for an uplink sent without an ack callback |',
    '| `kicked` | server → client, then the socket closes | `{reason}` |',
    '',
    'A message: `{msgId, messageType, fromId, fromType, destId, fromName, imageIconUrl, content}` and,',
    'on what the server delivers, `seq` and `sendTime`; `content` has the shape of its type.',
    '`fromType`: 1 person, 2 group, 3 system, 4 third party, 5 official account.',
    '',
    'In the content column: `id` is `^[A-Za-z0-9_.@-]{1,128}$` (a number from an old client is read as its text), `url` an absolute http(s)',
    'URL of at most 2048 characters; `a?` an optional field, `= v` its value when absent; numbers sent as numeric strings are read as numbers;',
    'an object keeps fields it does not list.',
    '',
    '## All types',
    '',
    '| type | name | direction | channel | a client send | produced by | received by | push label | stored | unread | fromType |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...MESSAGE_TYPES.map(
      (t) =>
        `| [${t.type}](#${anchor(t)}) | ${t.name} | ${t.direction} | ${t.channel} | ${clientSendShort(t)} | ${servicesOf(t)} | ${cell(t.receivedBy)} | ${pushLabel(t)} | ${yesNo(t.stored)} | ${yesNo(t.unread)} | ${t.fromTypes.join(', ')} |`,
    ),
    '',
    "A client send: what the server does with a message of this type from a client (the registry's `clientSend`); `—`: the server sends it, a client may not.",
    'Produced by: the service that makes (or, for a type a client sends, handles) it; its section names the API or event that makes it do so.',
    'Push label: what an offline push (`im.push.out`) or a conversation list shows instead of the content.',
    '',
    '## Types',
    '',
  ];
  const errors = [
    '## Error codes',
    '',
    'From `libs/protocol/src/error-codes.ts`: the `code` of an ack or `im_error`, and of an HTTP error body `{code, name, error}` with its status.',
    '',
    '| code | name | HTTP | meaning |',
    '|---|---|---|---|',
    ...Object.entries(ErrorCodes).map(
      ([name, e]) => `| ${e.code} | \`${name}\` | ${e.httpStatus} | ${cell(e.message)} |`,
    ),
    '',
  ];
  return [...head, ...MESSAGE_TYPES.map(section), ...errors].join('\n');
}
