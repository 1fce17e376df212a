import type { MessageTypeName } from './message-type.constants';
import type {
  BusinessEventRule,
  ClientSendKind,
  MessageTypeSpec,
  Producer,
  ProducingService,
} from './message-type.registry';
import type { TableSpec } from './message-type.policies';

/**
 * Where each type comes from and goes to, and its preview label: for a type only the server
 * sends, the service and the API that make it (read from the code that builds it: the group,
 * relation, wallet, call and events services, the gateway); for a type a client sends, the service
 * that handles the send (from `clientSend`). The push service's previews, the business-event
 * checks and the docs read these; nothing else lists them.
 */
interface Origin {
  /** Required for down-only types; a type a client sends is made by the service its `clientSend` names. */
  readonly by?: readonly Producer[];
  /** Who receives it; a type a client sends defaults to its `clientSend`'s receivers. */
  readonly to?: string;
  readonly event?: BusinessEventRule;
  readonly push: string;
  readonly pushText?: true;
}

const made =
  (service: ProducingService) =>
  (...via: string[]): Producer[] =>
    via.map((v) => ({ service, via: v }));
const gateway = made('gateway');
const message = made('message');
const group = made('group');
const relation = made('relation');
const wallet = made('wallet');
const call = made('call');
const EVENTS: Producer = { service: 'events', via: 'im.events.in (business event)' };

const G = '/v1/groups/:groupId';
const MEMBERS = "the group's members";
const OWNER_ADMINS = "the group's owner and admins";
const actorEvent: BusinessEventRule = { actor: true, target: 'users' };
const groupEvent: BusinessEventRule = { actor: false, target: 'group' };
const usersEvent: BusinessEventRule = { actor: false, target: 'users' };

/** The service that handles a client's send of each kind, and who gets what it makes. */
const SEND_DEFAULTS: Readonly<Record<ClientSendKind, { service: ProducingService; via: string; to: string }>> = {
  conversation: {
    service: 'message',
    via: 'chat (a client sends it)',
    to: "the conversation: the other person (1:1) or the group's members, and the sender's other devices",
  },
  reaction: {
    service: 'wallet',
    via: 'chat (a client sends it)',
    to: 'the author of the liked or tipped group message',
  },
  'call-signal': {
    service: 'call',
    via: 'chat (a client sends it)',
    to: "the other party of the call, or the group's members for a multi-party call",
  },
  session: { service: 'gateway', via: 'chat (a client sends it)', to: 'the sending device' },
  chatroom: { service: 'gateway', via: 'chatroom (a client sends it)', to: "the chatroom's members online" },
  'http-only': { service: 'wallet', via: '', to: "the conversation: the other person (1:1) or the group's members" },
};

const ORIGINS: Readonly<Record<MessageTypeName, Origin>> = {
  READY: { to: 'nobody: it starts delivery to the sending device', push: '' },
  TEXT: { push: '[Text]', pushText: true },
  IMAGE: { push: '[Image]' },
  FILE: { push: '[File]' },
  FRIEND_ONLINE: {
    by: gateway("Socket.IO connect (a user's first device)"),
    to: "the user's friends who are online",
    push: '[Online]',
  },
  FRIEND_OFFLINE: {
    by: gateway("Socket.IO disconnect (the user's last device, after IM_PRESENCE_DEBOUNCE_MS)"),
    to: "the user's friends who are online",
    push: '[Offline]',
  },
  FRIEND_DELETED: { by: relation('DELETE /v1/friends/:userId'), to: 'the removed friend', push: '[Friend removed]' },
  GROUP_MEMBER_JOINED: {
    by: group(`POST ${G}/members`, `POST ${G}/applications (free join)`, `POST ${G}/applications/:userId/approve`),
    to: "the group's members before the joiner",
    push: '[Joined the group]',
  },
  GROUP_MEMBER_LEFT: {
    by: group(`DELETE ${G}/members/me`, `DELETE ${G}/members/:userId`),
    to: "the group's remaining members",
    push: '[Left the group]',
  },
  GROUP_INVITED: { by: group(`POST ${G}/members`), to: 'the invitee', push: '[Group invitation]' },
  FRIEND_REQUEST: { by: relation('POST /v1/friends/requests'), to: 'the user asked', push: '[Friend request]' },
  FRIEND_ACCEPTED: {
    by: relation('POST /v1/friends/requests/:fromUserId/accept', 'POST /v1/friends/requests (asking back)'),
    to: 'the requester',
    push: '[Friend request accepted]',
  },
  GROUP_JOIN_REQUEST: { by: group(`POST ${G}/applications`), to: OWNER_ADMINS, push: '[Join request]' },
  GROUP_JOIN_APPROVED: {
    by: group(`POST ${G}/applications/:userId/approve`),
    to: 'the applicant',
    push: '[Join request approved]',
  },
  KICKED_OFFLINE: {
    by: gateway('Socket.IO connect (a newer login with the same devType, IM_MULTI_DEVICE)'),
    to: 'the replaced device, before its socket closes',
    push: '[Logged in elsewhere]',
  },
  VOICE: { push: '[Voice]' },
  RED_PACKET: {
    by: wallet('POST /v1/red-packets'),
    to: "the receiver (1:1) or the group's members",
    push: '[Red packet]',
  },
  TRANSFER_RECEIVED: { by: wallet('POST /v1/transfers'), to: 'the payee', push: '[Transfer]' },
  RED_PACKET_OPENED: {
    by: wallet('POST /v1/red-packets/:id/open', 'chat (the password of a password red packet)'),
    to: "the packet's sender",
    push: '[Red packet opened]',
  },
  TRANSFER_ACCEPTED: { by: wallet('POST /v1/transfers/:id/accept'), to: 'the payer', push: '[Transfer accepted]' },
  TRANSFER_RETURNED: {
    by: wallet('POST /v1/transfers/:id/return'),
    to: 'the payer and the payee',
    push: '[Transfer returned]',
  },
  RED_PACKET_REFUNDED: {
    by: wallet('the red-packet sweeper, once the packet expired'),
    to: "the packet's sender",
    push: '[Red packet refunded]',
  },
  FRIEND_AUTO_ADDED: {
    by: relation('POST /v1/friends/requests (IM_FRIEND_AUTO_ACCEPT)'),
    to: 'both new friends',
    push: '[New friend]',
  },
  RED_PACKET_ALL_TAKEN: {
    by: wallet('POST /v1/red-packets/:id/open (the last share)'),
    to: "the packet's sender",
    push: '[Red packet all taken]',
  },
  GROUP_RENAMED: { by: group(`PATCH ${G} {name}`), to: MEMBERS, push: '[Group renamed]' },
  FRIEND_PROFILE_CHANGED: {
    by: [...relation('PUT /v1/profile'), EVENTS],
    to: "the user's friends",
    event: actorEvent,
    push: '[Profile updated]',
  },
  GROUP_MEMBER_REMARK: { by: group(`PUT ${G}/members/me/remark`), to: MEMBERS, push: '[Group remark]' },
  CARD: { push: '[Contact card]' },
  LOCATION: { push: '[Location]' },
  SHORT_VIDEO: { push: '[Video]' },
  HEARTBEAT: { to: 'the sending device (31 back)', push: '' },
  RECALL: { push: '[Message recalled]' },
  READ: { to: 'the other person of the 1:1 conversation, and the reader’s other devices', push: '[Read]' },
  STICKER: { push: '[Sticker]' },
  MENTION: { push: '[Mention]', pushText: true },
  MOMENT_POSTED: {
    by: [EVENTS],
    to: "the event's target (usually the poster's friends)",
    event: actorEvent,
    push: '[Moments]',
  },
  MOMENT_COMMENTED: { by: [EVENTS], to: "the event's target", event: actorEvent, push: '[Moments comment]' },
  MOMENT_LIKED: { by: [EVENTS], to: "the event's target", event: actorEvent, push: '[Moments like]' },
  PAYMENT_RECEIVED: {
    by: [...wallet('POST /v1/collections/:id/pay'), EVENTS],
    to: 'the collector',
    event: usersEvent,
    push: '[Payment received]',
  },
  AA_COLLECTION: { push: '[Payment request]' },
  PAYMENT_REQUEST: {
    by: [...wallet('POST /v1/payment-requests'), EVENTS],
    to: 'the user asked to pay',
    event: usersEvent,
    push: '[Payment request]',
  },
  VOICE_CALL_REQUEST: { push: '[Voice call]' },
  VOICE_CALL_ANSWER: { push: '[Voice call]' },
  VIDEO_CALL_REQUEST: { push: '[Video call]' },
  VIDEO_CALL_ANSWER: { push: '[Video call]' },
  GROUP_AVATAR_CHANGED: { by: group(`PATCH ${G} {avatar}`), to: MEMBERS, push: '[Group avatar]' },
  GROUP_ANNOUNCEMENT_ADDED: {
    by: group(`PATCH ${G} {announcement} (the first)`),
    to: MEMBERS,
    push: '[Group announcement]',
  },
  GROUP_ANNOUNCEMENT_CHANGED: {
    by: group(`PATCH ${G} {announcement} (a replacement)`),
    to: MEMBERS,
    push: '[Group announcement]',
  },
  MOMENT_MENTIONED: { by: [EVENTS], to: "the event's target", event: actorEvent, push: '[Mentioned in Moments]' },
  PASSWORD_RED_PACKET_ALL_TAKEN: {
    by: wallet('chat or POST /v1/red-packets/:id/open (the last share of a password red packet)'),
    to: MEMBERS,
    push: '[Red packet all taken]',
  },
  GROUP_DISMISSED: { by: group(`DELETE ${G}`), to: MEMBERS, push: '[Group dismissed]' },
  GROUP_OWNERSHIP_OFFERED: {
    by: group(`POST ${G}/owner/offer`),
    to: 'the member offered ownership',
    push: '[Group ownership offered]',
  },
  GROUP_OWNERSHIP_ACCEPTED: { by: group(`POST ${G}/owner/accept`), to: 'the old owner', push: '[Group ownership]' },
  GROUP_OWNERSHIP_REFUSED: { by: group(`POST ${G}/owner/refuse`), to: 'the owner', push: '[Group ownership]' },
  GROUP_ADMIN_SET: { by: group(`PUT ${G}/admins/:userId`), to: 'the new admin', push: '[Group admin]' },
  GROUP_INTRODUCTION: { by: group(`PATCH ${G} {introduction}`), to: MEMBERS, push: '[Group introduction]' },
  GROUP_ADMIN_REMOVED: { by: group(`DELETE ${G}/admins/:userId`), to: 'the former admin', push: '[Group admin]' },
  GROUP_EXPIRY_REMINDER: {
    by: [...group(`the expiry sweeper, ahead of the date set by PUT ${G}/expiry`), EVENTS],
    to: MEMBERS,
    event: groupEvent,
    push: '[Group expiring]',
  },
  GROUP_APPLICATION: { by: group(`POST ${G}/applications`), to: OWNER_ADMINS, push: '[Join request]' },
  GROUP_APPLICATION_AGREED: {
    by: group(`POST ${G}/applications/:userId/approve`),
    to: 'the applicant',
    push: '[Join request approved]',
  },
  GROUP_APPLICATION_REFUSED: {
    by: group(`POST ${G}/applications/:userId/refuse`),
    to: 'the applicant',
    push: '[Join request refused]',
  },
  GROUP_MUTED: { by: group(`PUT ${G}/mute`), to: MEMBERS, push: '[Group muted]' },
  GROUP_UNMUTED: { by: group(`DELETE ${G}/mute`), to: MEMBERS, push: '[Group unmuted]' },
  GROUP_KICKED: { by: group(`DELETE ${G}/members/:userId`), to: 'the removed member', push: '[Removed from group]' },
  GROUP_EXPIRED: {
    by: [...group(`the expiry sweeper, at the date set by PUT ${G}/expiry`), EVENTS],
    to: MEMBERS,
    event: groupEvent,
    push: '[Group expired]',
  },
  BLACKLISTED: {
    by: message('chat (a message to someone who blacklisted the sender)'),
    to: 'the sender of the refused message',
    push: '[Message refused]',
  },
  SHAKE: { by: [EVENTS], to: "the event's target", event: actorEvent, push: '[Greeting]', pushText: true },
  SYSTEM_NOTICE: {
    by: [
      EVENTS,
      ...gateway('POST /v1/admin/notices (through im.events.in)'),
      ...wallet('chat (the password of a password red packet: what the opener got)'),
    ],
    to: "the event's target, or everyone online",
    event: { actor: false, target: 'users-or-everyone' },
    push: '[System notice]',
  },
  OFFICIAL_ACCOUNT_MESSAGE: { by: [EVENTS], to: "the event's target", event: usersEvent, push: '[Official account]' },
  GROUP_MESSAGE_LIKE: { push: '[Like]' },
  GROUP_MESSAGE_TIP: { push: '[Tip]' },
  GROUP_CHECKIN_STARTED: { by: [EVENTS], to: MEMBERS, event: groupEvent, push: '[Group check-in]' },
  GROUP_CHECKIN_ENDED: { by: [EVENTS], to: MEMBERS, event: groupEvent, push: '[Group check-in]' },
  CHATROOM_ENTER: { push: '[Chatroom]' },
  CHATROOM_LEAVE: { push: '[Chatroom]' },
  CHATROOM_MESSAGE: { push: '[Chatroom]' },
  CALL_AUDIO_OFFER: { push: '[Voice call]' },
  CALL_VIDEO_OFFER: { push: '[Video call]' },
  CALL_AUDIO_ACCEPTED: { push: '[Call]' },
  CALL_VIDEO_ACCEPTED: { push: '[Call]' },
  CALL_AUDIO_REFUSED: { push: '[Call]' },
  CALL_VIDEO_REFUSED: { push: '[Call]' },
  CALL_HANGUP: { push: '[Call]' },
  CALL_SWITCHED_TO_AUDIO: { push: '[Call]' },
  CALL_ASK_VIDEO: { push: '[Call]' },
  CALL_VIDEO_AGREED: { push: '[Call]' },
  CALL_VIDEO_REFUSED_SWITCH: { push: '[Call]' },
  CALL_DROPPED: {
    by: call('Socket.IO disconnect (a call device gone past the grace period)'),
    to: 'the other party of the call',
    push: '[Call dropped]',
  },
  CALL_ENDED: {
    by: call('the end of every 1:1 or multi-party call (hangup, refusal, ring timeout, drop)'),
    to: "the call's conversation: both people (1:1) or the group's members",
    push: '[Call]',
  },
  MULTI_CALL_AUDIO_INVITE: { push: '[Group call]' },
  MULTI_CALL_VIDEO_INVITE: { push: '[Group call]' },
  MULTI_CALL_ENDED_BY_INITIATOR: { push: '[Group call]' },
  MULTI_CALL_DESTROYED: {
    by: call('chat 165 from the initiator, or the last participant leaving'),
    to: MEMBERS,
    push: '[Group call ended]',
  },
  MULTI_CALL_CREATED: { by: call('chat 163 / 164 (the first invitation)'), to: MEMBERS, push: '[Group call]' },
  MULTI_CALL_MEMBER_CHANGED: {
    by: call('chat 163 / 164 (joining), chat 165 or a disconnect (leaving)'),
    to: MEMBERS,
    push: '[Group call]',
  },
  MULTI_CALL_SIGNAL: { to: 'the participant named in content.to (the device it joined the call with)', push: '' },
};

/** A table row with its origin: producers, receivers, business-event rule and preview label. */
export function withOrigin(spec: TableSpec): MessageTypeSpec {
  const origin = ORIGINS[spec.name];
  const send = spec.clientSend;
  const fallback = send === undefined ? undefined : SEND_DEFAULTS[send.kind];
  const handled =
    send === undefined || fallback === undefined
      ? []
      : [{ service: fallback.service, via: send.kind === 'http-only' ? send.route : fallback.via }];
  return {
    ...spec,
    producedBy: origin.by ?? handled,
    receivedBy: origin.to ?? fallback?.to ?? '',
    ...(origin.event === undefined ? {} : { businessEvent: origin.event }),
    pushLabel: origin.push,
    pushShowsText: origin.pushText === true,
  };
}
