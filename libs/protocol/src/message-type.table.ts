import { ContentShapes as C } from './content.shapes';
import type { ContentSchema } from './content.schema';
import { FromType, MessageType } from './message-type.constants';
import type { Channel, Direction, MessageTypeName } from './message-type.constants';
import type { ClientSend, ClientSendKind, MessageTypeSpec } from './message-type.registry';

/**
 * The message-type table. Directions follow the original where it gives one and PROTOCOL.md's
 * italic reading where it does not. `stored` / `unread` / `fromTypes` are OUR interpretation
 * (the original says nothing about them); the policies below say why.
 */

/** A policy's default `clientSend`; `http-only` names its route, so it is given per type. */
type PolicySend = Exclude<ClientSendKind, 'http-only'>;

interface Policy {
  readonly channel: Channel;
  readonly stored: boolean;
  readonly unread: boolean;
  readonly fromTypes: readonly FromType[];
  /** What a client's message of a non-down type under this policy does (registry `clientSend`). */
  readonly send?: PolicySend;
}

const { PERSON: P, GROUP: G, SYSTEM: S, THIRD_PARTY: T, OFFICIAL_ACCOUNT: O } = FromType;

function policy(
  stored: boolean,
  unread: boolean,
  fromTypes: readonly FromType[],
  send?: PolicySend,
  channel: Channel = 'chat',
): Policy {
  return send === undefined ? { channel, stored, unread, fromTypes } : { channel, stored, unread, fromTypes, send };
}

/** What people read in a chat: kept in history, counts as unread, 1:1 or group. */
const CHAT = policy(true, true, [P, G], 'conversation');
/** Like/tip on a GROUP text message (群文本消息): group conversations only. */
const GROUP_CHAT = policy(true, true, [G], 'reaction');
/**
 * Shake: 摇一摇: 收到打招呼消息, "received a greeting": made by a shake service through the
 * business events (docs/business-events.md), 1:1, shown like a message.
 */
const SHAKE = policy(true, true, [P]);
/** Recall is stored so devices that were offline learn of it, but is not itself unread. */
const RECALL = policy(true, false, [P, G], 'conversation');
/** Session control (ready, heartbeat) and read receipts: live only. Ready/heartbeat accept any fromType. */
const CONTROL = policy(false, false, [P, G, S, T, O], 'session');
const READ = policy(false, false, [P, G], 'conversation');
/** Chatroom traffic is live only: a chatroom has no history. */
const CHATROOM = policy(false, false, [P], 'chatroom', 'chatroom');
/** Call signalling is live only; 1:1 calls come from a person, multi-party calls from a group. */
const CALL = policy(false, false, [P], 'call-signal');
const MULTI_CALL = policy(false, false, [G], 'call-signal');
/** Notifications are stored so offline devices catch up, but never count as unread. */
const FRIEND_NOTICE = policy(true, false, [P, S]);
const GROUP_NOTICE = policy(true, false, [G, S]);
/** Red-packet notices: the packet may have been sent 1:1 or in a group. */
const RED_PACKET_NOTICE = policy(true, false, [P, G, S]);
/** Moments and payments: from a person, the system, or a third-party (payment) service. */
const SERVICE_NOTICE = policy(true, false, [P, S, T]);
const SYSTEM_NOTICE = policy(true, false, [S]);
const OFFICIAL_NOTICE = policy(true, false, [O]);
/** Presence and "kicked offline" only matter while connected: not stored. */
const PRESENCE = policy(false, false, [P, S]);
const KICKED = policy(false, false, [S]);

function def(
  name: MessageTypeName,
  direction: Direction,
  rules: Policy,
  description: string,
  content: ContentSchema,
  example: unknown,
  clientSend?: ClientSend,
): MessageTypeSpec {
  const { send, ...policy } = rules;
  const sent = direction === 'down' ? undefined : (clientSend ?? (send === undefined ? undefined : { kind: send }));
  return {
    type: MessageType[name],
    name,
    direction,
    ...policy,
    ...(sent === undefined ? {} : { clientSend: sent }),
    description,
    content,
    example,
  };
}

const MSG_ID = 'b1946ac9-2c4b-4f1e-9d0e-6f1a2b3c4d5e';
const CDN = 'https://cdn.example.com';

export const MESSAGE_TYPE_TABLE: readonly MessageTypeSpec[] = [
  def(
    'READY',
    'up',
    CONTROL,
    "The client has received the server's ready answer and has finished loading its friend list",
    C.anything,
    '',
  ),
  def('TEXT', 'both', CHAT, 'Text and emoji', C.text, 'Hello 😀'),
  def('IMAGE', 'both', CHAT, 'Image', C.image, { url: `${CDN}/i/1.jpg` }),
  def('FILE', 'both', CHAT, 'File', C.file, {
    fileName: 'report.pdf',
    fileSize: '52300',
    fileUrl: `${CDN}/f/report.pdf`,
    fileType: 'pdf',
    filished: false,
  }),
  def('FRIEND_ONLINE', 'down', PRESENCE, 'A friend came online — fromId is that friend, destId is me', C.loose, ''),
  def('FRIEND_OFFLINE', 'down', PRESENCE, 'A friend went offline — fromId is that friend, destId is me', C.loose, ''),
  def('FRIEND_DELETED', 'down', FRIEND_NOTICE, 'Unfriended — fromId is who removed me, destId is me', C.loose, ''),
  def(
    'GROUP_MEMBER_JOINED',
    'down',
    GROUP_NOTICE,
    'Someone joined the group — fromId the joiner, destId the group id, content holds the name',
    C.loose,
    { name: 'Alice' },
  ),
  def(
    'GROUP_MEMBER_LEFT',
    'down',
    GROUP_NOTICE,
    'Someone left the group — fromId the leaver, destId the group id, content holds the name',
    C.loose,
    { name: 'Alice' },
  ),
  def(
    'GROUP_INVITED',
    'down',
    GROUP_NOTICE,
    'Invited into the group — fromId the invitee, destId the group id (as 8)',
    C.loose,
    { name: 'Alice' },
  ),
  def(
    'FRIEND_REQUEST',
    'down',
    FRIEND_NOTICE,
    'Someone asks to be my friend — fromId the requester',
    C.loose,
    'Hi, I am Bob',
  ),
  def(
    'FRIEND_ACCEPTED',
    'down',
    FRIEND_NOTICE,
    'My friend request was accepted — fromId the other party, destId me',
    C.loose,
    '',
  ),
  def(
    'GROUP_JOIN_REQUEST',
    'down',
    GROUP_NOTICE,
    'Someone asks to join the group — fromId the applicant, destId the group id',
    C.loose,
    { name: 'Bob' },
  ),
  def(
    'GROUP_JOIN_APPROVED',
    'down',
    GROUP_NOTICE,
    'My request to join the group was approved — fromId the approver, destId the group id',
    C.loose,
    '',
  ),
  def(
    'KICKED_OFFLINE',
    'down',
    KICKED,
    'Account logged in elsewhere: kicked offline',
    C.loose,
    'logged in on another device',
  ),
  def('VOICE', 'both', CHAT, 'Voice message (time in seconds)', C.voice, { url: `${CDN}/v/1.amr`, time: 2 }),
  def(
    'RED_PACKET',
    'down',
    CHAT,
    'Red packet — fromId the sender; destId the receiver or the group id; fromType 1 person, 2 group',
    C.redPacket,
    { redPacketId: '222', msg: '恭喜发财' },
  ),
  def('TRANSFER_RECEIVED', 'down', FRIEND_NOTICE, 'Someone transferred money to you', C.loose, {
    transferId: '286429859020869634',
    amt: 1000,
  }),
  def('RED_PACKET_OPENED', 'down', RED_PACKET_NOTICE, 'Someone opened your red packet (tells the sender)', C.loose, {
    redPacketId: '222',
  }),
  def('TRANSFER_ACCEPTED', 'down', FRIEND_NOTICE, 'Transfer accepted: money collected', C.loose, {
    transferId: '286429859020869634',
  }),
  def('TRANSFER_RETURNED', 'down', FRIEND_NOTICE, 'Transfer returned', C.loose, { transferId: '286429859020869634' }),
  def('RED_PACKET_REFUNDED', 'down', RED_PACKET_NOTICE, 'Red packet refunded', C.loose, {
    redPacketId: '222',
    amt: 300,
  }),
  def('FRIEND_AUTO_ADDED', 'down', FRIEND_NOTICE, 'Friend added automatically', C.loose, ''),
  def('RED_PACKET_ALL_TAKEN', 'down', RED_PACKET_NOTICE, 'Red packet all taken', C.loose, { redPacketId: '222' }),
  def('GROUP_RENAMED', 'down', GROUP_NOTICE, 'Group renamed', C.loose, { name: 'Weekend hikers' }),
  def(
    'FRIEND_PROFILE_CHANGED',
    'down',
    FRIEND_NOTICE,
    "A friend's profile changed — the change is in content",
    C.loose,
    { nickname: 'Alice W.' },
  ),
  def('GROUP_MEMBER_REMARK', 'down', GROUP_NOTICE, 'A group member changed their remark name — in content', C.loose, {
    userId: 'u1002',
    remark: 'Ali',
  }),
  def('CARD', 'both', CHAT, 'Business card (contact card)', C.textOrObject, {
    userId: 'u1003',
    name: 'Carol',
    avatar: `${CDN}/a/u1003.png`,
  }),
  def(
    'LOCATION',
    'both',
    CHAT,
    'Location — url (map snapshot), addr (full address), lat (longitude), lut (latitude)',
    C.location,
    {
      url: `${CDN}/m/1.png`,
      addr: "1 Chang'an Avenue, Beijing",
      lat: 116.397,
      lut: 39.909,
    },
  ),
  def('SHORT_VIDEO', 'both', CHAT, 'Short video — thumbnail, length in seconds, video URL', C.shortVideo, {
    img: `${CDN}/t/1.jpg`,
    time: 12,
    video: `${CDN}/s/1.mp4`,
  }),
  def('HEARTBEAT', 'both', CONTROL, 'Heartbeat', C.anything, ''),
  def('RECALL', 'both', RECALL, 'Recall a message — content is the msgId to recall', C.messageRef, MSG_ID),
  def('READ', 'both', READ, 'Message read — content is the last read msgId', C.messageRef, MSG_ID),
  def('STICKER', 'both', CHAT, 'Sticker cloud — aiteId lists the ids @-mentioned', C.sticker, {
    msgCodes: '[smile]',
    msgString: 'smile',
    msgType: 1,
    aiteId: ['u1002'],
  }),
  def('MENTION', 'both', CHAT, '@ message', C.textOrObject, { text: '@Bob lunch?', aiteId: ['u1002'] }),
  def('MOMENT_POSTED', 'down', SERVICE_NOTICE, 'A friend posted to their moments (social feed)', C.loose, {
    momentId: 'm-1',
  }),
  def(
    'MOMENT_COMMENTED',
    'down',
    SERVICE_NOTICE,
    'A friend commented on my moment, or replied to my comment',
    C.loose,
    { momentId: 'm-1', comment: 'Nice!' },
  ),
  def('MOMENT_LIKED', 'down', SERVICE_NOTICE, 'A friend liked my moment, or replied to my comment', C.loose, {
    momentId: 'm-1',
  }),
  def(
    'PAYMENT_RECEIVED',
    'down',
    SERVICE_NOTICE,
    'Payment received (AA collection, QR-code payment); amt in fen',
    C.paymentReceived,
    { amt: 2500 },
  ),
  def(
    'AA_COLLECTION',
    'both',
    CHAT,
    'AA collection request — totalAmt, amt (each) in fen, counts (people)',
    C.aaCollection,
    { totalAmt: 10000, msg: 'Dinner', amt: 2500, counts: 4 },
    {
      kind: 'http-only',
      route: 'POST /v1/collections',
    },
  ),
  def(
    'PAYMENT_REQUEST',
    'down',
    SERVICE_NOTICE,
    'Someone asks you to pay (e.g. scanned your payment code); amt in fen',
    C.paymentRequest,
    { msg: 'Coffee', amt: 1800 },
  ),
  def('VOICE_CALL_REQUEST', 'both', CALL, 'Voice call request', C.loose, ''),
  def('VOICE_CALL_ANSWER', 'both', CALL, 'Voice call answer — content 1 accept, 0 reject', C.callAnswer, 1),
  def('VIDEO_CALL_REQUEST', 'both', CALL, 'Video call request', C.loose, ''),
  def('VIDEO_CALL_ANSWER', 'both', CALL, 'Video call answer — content 1 accept, 0 reject', C.callAnswer, 0),
  def('GROUP_AVATAR_CHANGED', 'down', GROUP_NOTICE, 'Group avatar changed', C.loose, { avatar: `${CDN}/g/1.png` }),
  def('GROUP_ANNOUNCEMENT_ADDED', 'down', GROUP_NOTICE, 'Group announcement added', C.loose, {
    announcement: 'Hike on Saturday',
  }),
  def('GROUP_ANNOUNCEMENT_CHANGED', 'down', GROUP_NOTICE, 'Group announcement changed', C.loose, {
    announcement: 'Hike moved to Sunday',
  }),
  def('MOMENT_MENTIONED', 'down', SERVICE_NOTICE, "Mentioned (@) in a friend's moment", C.loose, { momentId: 'm-1' }),
  def('PASSWORD_RED_PACKET_ALL_TAKEN', 'down', RED_PACKET_NOTICE, 'Password red packet all taken', C.loose, {
    redPacketId: '223',
  }),
  def('GROUP_DISMISSED', 'down', GROUP_NOTICE, 'The owner dismissed the group', C.loose, ''),
  def(
    'GROUP_OWNERSHIP_OFFERED',
    'down',
    GROUP_NOTICE,
    'Group ownership transfer offered to the current user',
    C.loose,
    '',
  ),
  def('GROUP_OWNERSHIP_ACCEPTED', 'down', GROUP_NOTICE, 'Owner: the transfer was accepted', C.loose, ''),
  def('GROUP_OWNERSHIP_REFUSED', 'down', GROUP_NOTICE, 'Owner: the transfer was refused', C.loose, ''),
  def('GROUP_ADMIN_SET', 'down', GROUP_NOTICE, 'Made group admin', C.loose, ''),
  def(
    'GROUP_INTRODUCTION',
    'down',
    GROUP_NOTICE,
    'Group introduction (description)',
    C.loose,
    'A group for weekend hikes',
  ),
  def('GROUP_ADMIN_REMOVED', 'down', GROUP_NOTICE, 'Group admin removed', C.loose, ''),
  def('GROUP_EXPIRY_REMINDER', 'down', GROUP_NOTICE, 'Group expiry reminder', C.loose, { expiresAt: 1767225600000 }),
  def('GROUP_APPLICATION', 'down', GROUP_NOTICE, 'Application to join the group (to owner/admins)', C.loose, {
    name: 'Bob',
  }),
  def('GROUP_APPLICATION_AGREED', 'down', GROUP_NOTICE, 'Application to join the group agreed', C.loose, ''),
  def('GROUP_APPLICATION_REFUSED', 'down', GROUP_NOTICE, 'Application to join the group refused', C.loose, ''),
  def('GROUP_MUTED', 'down', GROUP_NOTICE, 'Group muted', C.loose, ''),
  def('GROUP_UNMUTED', 'down', GROUP_NOTICE, 'Group unmuted', C.loose, ''),
  def('GROUP_KICKED', 'down', GROUP_NOTICE, 'Removed (kicked) from the group', C.loose, ''),
  def('GROUP_EXPIRED', 'down', GROUP_NOTICE, 'A group I am in has expired', C.loose, ''),
  def('BLACKLISTED', 'down', FRIEND_NOTICE, 'My message was refused: the receiver has blacklisted me', C.loose, ''),
  def('SHAKE', 'down', SHAKE, 'Shake: a greeting from a stranger', C.loose, 'Hi there!'),
  def('SYSTEM_NOTICE', 'down', SYSTEM_NOTICE, 'System notice', C.loose, 'Maintenance tonight at 23:00'),
  def('OFFICIAL_ACCOUNT_MESSAGE', 'down', OFFICIAL_NOTICE, 'Official account message', C.loose, {
    title: 'Weekly digest',
    url: `${CDN}/o/1.html`,
  }),
  def('GROUP_MESSAGE_LIKE', 'both', GROUP_CHAT, 'Like on a group text message', C.loose, { msgId: MSG_ID }),
  def('GROUP_MESSAGE_TIP', 'both', GROUP_CHAT, 'Tip (reward) on a group text message', C.loose, {
    msgId: MSG_ID,
    amt: 100,
  }),
  def('GROUP_CHECKIN_STARTED', 'down', GROUP_NOTICE, 'Group check-in started', C.loose, ''),
  def('GROUP_CHECKIN_ENDED', 'down', GROUP_NOTICE, 'Group check-in ended', C.loose, ''),
  def('CHATROOM_ENTER', 'both', CHATROOM, 'Enter chatroom (event chatroom)', C.loose, ''),
  def('CHATROOM_LEAVE', 'both', CHATROOM, 'Leave chatroom (event chatroom)', C.loose, ''),
  def('CHATROOM_MESSAGE', 'both', CHATROOM, 'Chatroom message (event chatroom)', C.loose, 'Hello room'),
  def('CALL_AUDIO_OFFER', 'both', CALL, 'Audio call offered to you', C.loose, ''),
  def('CALL_VIDEO_OFFER', 'both', CALL, 'Video call offered to you', C.loose, ''),
  def('CALL_AUDIO_ACCEPTED', 'both', CALL, 'The other party accepted the audio call', C.loose, ''),
  def('CALL_VIDEO_ACCEPTED', 'both', CALL, 'The other party accepted the video call', C.loose, ''),
  def('CALL_AUDIO_REFUSED', 'both', CALL, 'The other party refused the audio call', C.loose, ''),
  def('CALL_VIDEO_REFUSED', 'both', CALL, 'The other party refused the video call', C.loose, ''),
  def('CALL_HANGUP', 'both', CALL, 'Hang up', C.loose, ''),
  def('CALL_SWITCHED_TO_AUDIO', 'both', CALL, 'The other party switched the video call to audio', C.loose, ''),
  def('CALL_ASK_VIDEO', 'both', CALL, 'The other party asks to switch audio to video', C.loose, ''),
  def('CALL_VIDEO_AGREED', 'both', CALL, 'The other party agreed to switch audio to video', C.loose, ''),
  def('CALL_VIDEO_REFUSED_SWITCH', 'both', CALL, 'The other party refused to switch audio to video', C.loose, ''),
  def('CALL_DROPPED', 'down', CALL, 'The other party dropped out abnormally', C.loose, ''),
  def('CALL_ENDED', 'down', CHAT, 'Call ended (summary message for the conversation)', C.callEnded, {
    callId: '286429859020869636',
    kind: 'audio',
    callerId: 'u1001',
    calleeId: 'u1002',
    outcome: 'completed',
    duration: 65,
    startedAt: 1767225600000,
    endedAt: 1767225665000,
  }),
  def('MULTI_CALL_AUDIO_INVITE', 'both', MULTI_CALL, 'Multi-party audio call invitation', C.loose, {
    userIds: ['u1002', 'u1003'],
  }),
  def('MULTI_CALL_VIDEO_INVITE', 'both', MULTI_CALL, 'Multi-party video call invitation', C.loose, {
    userIds: ['u1002', 'u1003'],
  }),
  def('MULTI_CALL_ENDED_BY_INITIATOR', 'both', MULTI_CALL, 'The initiator ended the multi-party call', C.loose, ''),
  def(
    'MULTI_CALL_DESTROYED',
    'down',
    MULTI_CALL,
    'Multi-party call finally ended and destroyed',
    C.multiCallDestroyed,
    { callId: '286429859020869637', reason: 'ended' },
  ),
  def('MULTI_CALL_CREATED', 'down', MULTI_CALL, 'Someone created a multi-party video call', C.multiCallCreated, {
    callId: '286429859020869637',
    media: 'video',
    initiatorId: 'u1001',
  }),
  def(
    'MULTI_CALL_MEMBER_CHANGED',
    'down',
    MULTI_CALL,
    'Someone entered or left the multi-party call',
    C.multiCallMemberChanged,
    { callId: '286429859020869637', joined: 'u1002', participants: ['u1001', 'u1002'] },
  ),
];
