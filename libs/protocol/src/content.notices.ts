import { schema } from './content.schema';
import type { ContentSchema } from './content.schema';

/**
 * The content shapes of the types only the server sends (notices), as the services build them:
 * each names the file that makes it. Business-event types (docs/business-events.md) stay "text or
 * an object" (other teams' services publish them), with the fields this server's own producers
 * and the documented examples use declared, all optional. Objects keep fields they do not list.
 */

const text = schema.string();
const id = schema.id();
/** Money is an integer count of minor units (fen). */
const money = schema.number({ integer: true, min: 0 });
const ms = schema.number({ integer: true, min: 0 });
/** An avatar may be cleared: '' or an http(s) URL. */
const avatar = schema.url({ allowEmpty: true });
const opt = schema.optional;

/** A notice only the server makes: no old client sends it, so no JSON-string form. */
function notice(fields: Parameters<typeof schema.object>[0]): ContentSchema {
  return schema.object(fields);
}

/** Text, or an object with (at most) these optional fields and any others: a business event's content. */
function textOrObject(fields: Parameters<typeof schema.object>[0] = {}): ContentSchema {
  return schema.oneOf(schema.object(fields, { acceptJsonString: true }), text);
}

/** `{groupId, by}`: a group notice to one user (services/group/src/group.service.ts). */
const groupAct = notice({ groupId: id, by: id });
/** `{by}`: a group notice to the members about who did it. */
const groupBy = notice({ by: id });
/** A join request / application (13, 59): the applicant, their message when they gave one. */
const application = notice({ groupId: id, userId: id, name: text, message: opt(text) });
/** A group's expiry (58, 65): the group expiry sweeper's, or a business event's. */
const expiry = textOrObject({ groupId: opt(id), expiresAt: opt(ms) });

export const NoticeShapes = {
  /** 5, 6, 7, 12, 161: nothing to say beyond fromId / destId. */
  empty: schema.string({ maxLength: 0 }),
  /** 11 friend request, 23 auto-added: the requester's message (may be empty). */
  friendMessage: text,
  /** 15 kicked offline: why (services/gateway/src/socket/presence.notifier.ts). */
  kickedReason: schema.string({ minLength: 1 }),
  /** 66 blacklisted: the msgId of the refused message (services/message/src/message.service.ts). */
  refusedMsgId: id,
  /** 8 joined, 9 left: the member; `by` the inviter, approver or kicker when not themselves. */
  member: notice({ userId: id, name: text, by: opt(id) }),
  /** 14, 52, 53, 54, 55, 57, 60, 61, 64: the group, and who acted. */
  groupAct,
  /** 10 invited (or listed at the group's creation): the group, the invitee with their name (as 8), who invited. */
  groupInvited: notice({ groupId: id, userId: id, name: text, by: id }),
  /** 51 dismissed, 62 muted, 63 unmuted: who did it. */
  groupBy,
  /** 13, 59: an application to join. */
  application,
  /** 25 renamed. */
  groupRenamed: notice({ name: text, by: id }),
  /** 27 a member's remark (alias) in the group. */
  memberRemark: notice({ userId: id, remark: text }),
  /** 46 group avatar ('' when cleared). */
  groupAvatar: notice({ avatar, by: id }),
  /** 47 first announcement, 48 a replacement ('' when cleared). */
  groupAnnouncement: notice({ announcement: text, by: id }),
  /** 56 introduction. */
  groupIntroduction: notice({ introduction: text, by: id }),
  /** 58 reminder, 65 expired. */
  expiry,
  /** 18 transfer received (services/wallet/src/transfer.service.ts). */
  transferReceived: notice({ transferId: id, amt: money, msg: opt(text) }),
  /** 20 accepted, 21 returned. */
  transferDecided: notice({ transferId: id, amt: money }),
  /** 19 someone opened my red packet (services/wallet/src/red-packet.service.ts). */
  redPacketOpened: notice({ redPacketId: id, userId: id, amt: money }),
  /** 22 the part nobody took, paid back. */
  redPacketRefunded: notice({ redPacketId: id, amt: money }),
  /** 24 all taken, 50 a password packet all taken. */
  redPacketRef: notice({ redPacketId: id }),
  /** 26 profile: the friend service's `{name?, avatar?}`, or a business event's text or object. */
  profile: textOrObject({ name: opt(text), nickname: opt(text), avatar: opt(avatar) }),
  /** 36 a friend posted a moment (business event). */
  momentPosted: textOrObject({ momentId: opt(text), text: opt(text), thumb: opt(schema.url()) }),
  /** 37 a comment or reply (business event). */
  momentCommented: textOrObject({ momentId: opt(text), commentId: opt(text), comment: opt(text) }),
  /** 38 liked, 49 @-ed in a moment (business events). */
  momentRef: textOrObject({ momentId: opt(text) }),
  /** 67 shake greeting (business event): text, or an object with its `text`. */
  shake: textOrObject({ text: opt(text) }),
  /**
   * 68 system notice: an operator's text (POST /v1/admin/notices, business events), or the red
   * packet service's `{redPacketId, amt}` telling a password packet's opener what they got.
   */
  systemNotice: textOrObject({ text: opt(text), redPacketId: opt(id), amt: opt(money) }),
  /** 70 official account message (business event). */
  officialAccount: textOrObject({ title: opt(text), url: opt(schema.url()) }),
  /** 88, 89 group check-in (business events; the original says nothing of the content). */
  checkIn: textOrObject(),
} as const satisfies Record<string, ContentSchema>;
