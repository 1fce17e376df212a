import { idSchema } from './routes.context';

/**
 * Response schemas of the HTTP API, for the OpenAPI document (openapi.ts). They describe what the
 * handlers send; responses are not serialized through them (a field missing from a schema is
 * never dropped), and test/e2e/openapi.e2e.test.ts checks real answers against them.
 *
 * JSON Schema 2020-12 as OpenAPI 3.1 takes it. No `example` keyword: Ajv (strict) compiles the
 * request schemas, and `examples` is the keyword both know.
 */
type Schema = Record<string, unknown>;

const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const ms = { type: 'integer', description: 'Milliseconds since the Unix epoch.' } as const;
const fen = { type: 'integer', minimum: 0, description: 'An amount in fen (1/100 yuan).' } as const;

/** An object whose listed fields are all required; more fields may follow unless `closed`. */
export function object(
  properties: Record<string, unknown>,
  options: { optional?: string[]; title?: string; description?: string; closed?: boolean } = {},
): Schema {
  const optional = new Set(options.optional ?? []);
  return {
    type: 'object',
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    required: Object.keys(properties).filter((k) => !optional.has(k)),
    properties,
    ...(options.closed === true ? { additionalProperties: false } : {}),
  };
}

/** Marks a command's answer: 204 and no body. */
export const NO_CONTENT: Schema = { type: 'null', description: 'Done: no body.' };

export const userIds = object({ userIds: { type: 'array', items: idSchema } }, { title: 'UserIdList' });

/** A user as the directory shows them (the name is the user id until one is given). */
export const userProfile = object(
  { userId: str, name: str, avatar: str, signature: str, updatedAt: ms },
  { title: 'UserProfile', closed: true },
);
export const userProfiles = object({ users: { type: 'array', items: userProfile } }, { title: 'UserProfileList' });
export const friendList = object(
  {
    userIds: { type: 'array', items: idSchema },
    friends: { type: 'array', items: userProfile, description: 'The same friends, in the same order, with profiles.' },
  },
  { title: 'FriendList' },
);

/** A message as the wire carries it (libs/protocol/src/im-message.ts); `content` depends on `messageType` (docs/protocol.md). */
export const imMessage = object(
  {
    msgId: { type: 'string', description: 'Sender-generated UUID; the idempotency key.' },
    fromId: str,
    fromType: {
      type: 'integer',
      enum: [1, 2, 3, 4, 5],
      description: '1 person, 2 group, 3 system, 4 third party, 5 official account.',
    },
    destId: { type: 'string', description: 'A user id, a group id, or any value for a message to the system.' },
    fromName: str,
    imageIconUrl: str,
    content: { description: 'Depends on messageType (docs/protocol.md): a string, or an object.' },
    messageType: { type: 'integer', minimum: 1 },
    id: str,
    version: int,
    devType: { type: 'integer', description: '1 Android, 2 iOS, 3 PC.' },
    geoId: str,
    sendTime: ms,
    receiveTime: ms,
    status: { type: 'integer', description: 'Recalled messages have status set and content "".' },
    seq: { type: 'integer', description: 'Server-assigned, increasing per conversation.' },
  },
  { title: 'ImMessage', optional: ['id', 'version', 'devType', 'geoId', 'sendTime', 'receiveTime', 'status', 'seq'] },
);

const role = { type: 'string', enum: ['owner', 'admin', 'member'] } as const;
const joinPolicy = { type: 'string', enum: ['free', 'approval', 'invite-only'] } as const;

/** What a group's summary (in lists) and its detail share. */
const groupFields = {
  groupId: str,
  name: str,
  ownerId: str,
  createdAt: ms,
  dismissed: { type: 'boolean' },
  muted: { type: 'boolean' },
  joinPolicy,
  avatar: str,
  announcement: str,
  introduction: str,
  expiresAt: ms,
  role,
};
const optionalGroupFields = ['dismissed', 'muted', 'joinPolicy', 'avatar', 'announcement', 'introduction', 'expiresAt'];

export const groupSummary = object(
  { ...groupFields, ownershipCandidate: str },
  { title: 'GroupSummary', optional: [...optionalGroupFields, 'ownershipCandidate'] },
);

export const groupDetail = object(
  { ...groupFields, expired: { type: 'boolean' } },
  { title: 'GroupDetail', optional: optionalGroupFields },
);

export const groupMembers = object(
  {
    members: {
      type: 'array',
      items: object(
        { userId: str, name: str, avatar: str, role, remark: str, mutedUntil: ms },
        { title: 'GroupMember', optional: ['remark', 'mutedUntil'], closed: true },
      ),
    },
  },
  { title: 'GroupMemberList' },
);

export const groupApplications = object(
  {
    applications: {
      type: 'array',
      items: object(
        { userId: str, name: str, avatar: str, message: str, createdAt: ms },
        { title: 'GroupApplication', closed: true },
      ),
    },
  },
  { title: 'GroupApplicationList' },
);

const lastMessage = object(
  {
    msgId: str,
    seq: int,
    messageType: int,
    fromId: str,
    fromName: str,
    preview: { type: 'string', description: 'The text (cut), or a label such as `[Image]`, as a push shows it.' },
    sendTime: ms,
    recalled: { type: 'boolean' },
  },
  { title: 'LastMessage' },
);

export const conversations = object(
  {
    conversations: {
      type: 'array',
      description: 'Newest activity first; conversations without a message last.',
      items: object(
        {
          conversationId: str,
          kind: {
            type: 'string',
            enum: ['direct', 'group', 'system'],
            description: 'system: the user’s own `s:<userId>` (friend requests, transfers, notices).',
          },
          peerId: { type: 'string', description: 'The other user (direct conversations).' },
          groupId: { type: 'string', description: 'The group (group conversations).' },
          maxSeq: int,
          readSeq: { type: 'integer', description: 'This user’s read mark.' },
          peerReadSeq: { type: 'integer', description: 'Direct conversations: how far the other side has read.' },
          unread: int,
          muted: { type: 'boolean' },
          lastMessage: { oneOf: [lastMessage, { type: 'null' }] },
          lastActivityAt: { ...ms, description: 'The last message’s sendTime; 0 without one.' },
        },
        { title: 'Conversation', optional: ['peerId', 'groupId', 'peerReadSeq'] },
      ),
    },
    hasMore: { type: 'boolean' },
    nextCursor: { type: ['string', 'null'], description: 'The `cursor` of the next page; null on the last one.' },
  },
  { title: 'ConversationList' },
);

export const messagePage: Schema = {
  ...object(
    {
      conversationId: str,
      messages: { type: 'array', items: imMessage, description: 'In ascending seq order.' },
      hasMore: { type: 'boolean' },
      nextBeforeSeq: {
        type: ['integer', 'null'],
        description: 'Without afterSeq: the beforeSeq of the next (older) page; null when there is none.',
      },
      nextAfterSeq: { type: 'integer', description: 'With afterSeq: the afterSeq of the next (newer) page.' },
    },
    { title: 'MessagePage', optional: ['nextBeforeSeq', 'nextAfterSeq'] },
  ),
  oneOf: [{ required: ['nextBeforeSeq'] }, { required: ['nextAfterSeq'] }],
};

const friendRequest = object(
  { fromId: str, toId: str, message: str, createdAt: ms, user: userProfile },
  {
    title: 'FriendRequest',
    description: '`user`: the other side (the requester of an incoming one, the target of an outgoing one).',
  },
);
export const friendRequests = object(
  { incoming: { type: 'array', items: friendRequest }, outgoing: { type: 'array', items: friendRequest } },
  { title: 'FriendRequestLists' },
);
export const friendStatus = object(
  { status: { type: 'string', enum: ['pending', 'friends'] } },
  { title: 'FriendRequestStatus' },
);
export const friendAnswer: Schema = {
  title: 'FriendAnswer',
  description: '`{status: "friends"}` once accepted, `{done: true}` once refused.',
  oneOf: [friendStatus, object({ done: { const: true } })],
};

export const wallet = object({ userId: str, balance: fen }, { title: 'Wallet' });
export const walletOp = object({ opId: str, balance: fen }, { title: 'WalletOperation' });
const target = object({ type: { type: 'string', enum: ['user', 'group'] }, id: str }, { title: 'MoneyTarget' });
export const redPacketSent = object(
  { packetId: str, state: { type: 'string', enum: ['funding', 'open', 'failed', 'settled'] } },
  { title: 'RedPacketSent' },
);
export const redPacketOpened = object(
  { packetId: str, amount: fen, slot: int, alreadyOpened: { type: 'boolean' } },
  { title: 'RedPacketOpened' },
);
export const redPacket = object(
  {
    packetId: str,
    senderId: str,
    to: target,
    kind: { type: 'string', enum: ['equal', 'lucky', 'password'] },
    total: fen,
    count: int,
    msg: str,
    state: { type: 'string', enum: ['funding', 'open', 'failed', 'settled'] },
    createdAt: ms,
    expiresAt: ms,
    claims: { type: 'array', items: object({ userId: str, amount: fen, at: ms }) },
    refunded: { ...fen, description: 'Returned to the sender at expiry, in fen.' },
  },
  { title: 'RedPacket' },
);
const transferState = { type: 'string', enum: ['funding', 'pending', 'accepted', 'returned', 'failed'] } as const;
export const transferOutcome = object({ transferId: str, state: transferState }, { title: 'TransferOutcome' });
export const transfer = object(
  {
    transferId: str,
    fromId: str,
    toId: str,
    amount: fen,
    msg: str,
    state: transferState,
    createdAt: ms,
    expiresAt: ms,
  },
  { title: 'Transfer' },
);
const collectionState = { type: 'string', enum: ['posting', 'open', 'closed'] } as const;
export const collectionCreated = object({ collectionId: str, state: collectionState }, { title: 'CollectionCreated' });
export const collectionPaid = object(
  { collectionId: str, amount: fen, slot: int, alreadyPaid: { type: 'boolean' } },
  { title: 'CollectionPayment' },
);
export const collection = object(
  {
    collectionId: str,
    kind: { type: 'string', enum: ['aa', 'request'] },
    collectorId: str,
    to: target,
    amount: fen,
    count: int,
    totalAmt: fen,
    msg: str,
    state: collectionState,
    createdAt: ms,
    expiresAt: ms,
    payments: { type: 'array', items: object({ payerId: str, at: ms }) },
  },
  { title: 'Collection' },
);

/** `GET /v1/calls/ice-servers`: WebRTC's `RTCConfiguration.iceServers`, TURN with a time-limited credential. */
export const iceServers = object(
  {
    iceServers: {
      type: 'array',
      items: object(
        { urls: { type: 'array', items: str }, username: str, credential: str },
        { optional: ['username', 'credential'], title: 'IceServer' },
      ),
    },
    expiresAt: {
      ...ms,
      description: 'When the TURN credential stops working (ms since the epoch); absent without TURN.',
    },
  },
  { optional: ['expiresAt'], title: 'IceServers' },
);

/** `GET /v1/push`: the user's push switch and the devices with a push token (never the tokens). */
export const pushSettings = object(
  {
    muted: { type: 'boolean', description: 'True: no offline push at all (PUT /v1/push/mute).' },
    devices: {
      type: 'array',
      items: object(
        { deviceId: str, platform: { type: 'string', enum: ['apns', 'fcm'] }, updatedAt: ms },
        { title: 'PushDevice' },
      ),
    },
  },
  { title: 'PushSettings' },
);
