import { Topics } from '@im/bus';
import type { Bus, PushRecord } from '@im/bus';
import type { Logger } from '@im/common';
import {
  MESSAGE_TYPES,
  PREVIEW_MAX_CHARS,
  cutPreview,
  groupConversationId,
  messagePreview,
  parseConversationId,
} from '@im/protocol';
import type { OnceStore, Presence } from '@im/realtime';
import type { Store, StoredMessage } from '@im/store';

/** How long a push is remembered as sent, so a redelivered chat record pushes nothing again. */
const PUSH_MARK_TTL_MS = 7 * 24 * 3600 * 1000;
/** A push's body is the message's preview (`messagePreview` in @im/protocol), as the conversation list shows it. */
export const pushBody = messagePreview;
export const PUSH_BODY_MAX_CHARS = PREVIEW_MAX_CHARS;

const UNREAD_TYPES = MESSAGE_TYPES.filter((t) => t.unread).map((t) => t.type);
const UNREAD = new Set<number>(UNREAD_TYPES);

/**
 * The offline-push side of the message service: after a stored chat message was handed to the
 * gateways, each recipient (not the sender) with no device online and who has not muted the
 * conversation gets one `PushRecord` on `im.push.out`. A push is marked in the OnceStore under
 * its pushId before it is published (and unmarked if publishing fails), so a redelivered chat
 * record produces no second one.
 */
export class OfflinePush {
  constructor(
    private readonly bus: Bus,
    private readonly presence: Presence,
    private readonly store: Store,
    private readonly once: OnceStore,
    private readonly logger: Logger,
  ) {}

  async afterDelivery(stored: StoredMessage, recipients: readonly string[]): Promise<void> {
    const m = stored.message;
    if (!UNREAD.has(m.messageType)) return;
    const others = recipients.filter((u) => u !== m.fromId);
    if (others.length === 0) return;
    const online = await this.presence.onlineAmong(others);
    const offline = others.filter((u) => !online.has(u));
    if (offline.length === 0) return;
    const muted = await this.store.conversations.mutedAmong(stored.conversationId, offline);
    const targets = offline.filter((u) => !muted.has(u));
    if (targets.length === 0) return;
    const title = await this.titleOf(stored);
    const group = parseConversationId(stored.conversationId)?.kind === 'group';
    const preview = pushBody(m.messageType, m.content);
    const body = group ? cutPreview(`${m.fromName || m.fromId}: ${preview}`) : preview;
    for (const userId of targets) {
      const pushId = `${stored.conversationId}/${m.msgId}/${userId}`;
      if ((await this.once.putIfAbsent(`push:${pushId}`, '1', PUSH_MARK_TTL_MS)) !== undefined) continue;
      const record: PushRecord = {
        pushId,
        userId,
        conversationId: stored.conversationId,
        msgId: m.msgId,
        messageType: m.messageType,
        fromId: m.fromId,
        title,
        body,
        badge: await this.badgeOf(userId),
        sendTime: m.sendTime,
      };
      try {
        await this.bus.publish(Topics.PUSH_OUT, userId, record);
      } catch (err) {
        await this.once.take(`push:${pushId}`);
        throw err;
      }
    }
    this.logger.debug({ msgId: m.msgId, pushes: targets.length }, 'offline push published');
  }

  private async titleOf(stored: StoredMessage): Promise<string> {
    const parsed = parseConversationId(stored.conversationId);
    if (parsed?.kind === 'group') return (await this.store.groups.get(parsed.groupId))?.name ?? parsed.groupId;
    return stored.message.fromName || stored.message.fromId;
  }

  /** The user's unread messages over all their conversations (as GET /v1/conversations counts them). */
  private async badgeOf(userId: string): Promise<number> {
    const memberships = await this.store.groups.groupsOf(userId);
    const joined = new Map(memberships.map((g) => [groupConversationId(g.groupId), g.joinedSeq]));
    const list = await this.store.conversations.listForUser(
      userId,
      memberships.map((g) => g.groupId),
    );
    const reads = await this.store.conversations.readSeqs(
      userId,
      list.map((c) => c.conversationId),
    );
    let total = 0;
    for (const c of list) {
      const readSeq = Math.max(reads.get(c.conversationId) ?? 0, joined.get(c.conversationId) ?? 0);
      if (c.maxSeq > readSeq)
        total += await this.store.messages.countUnread(c.conversationId, readSeq, userId, UNREAD_TYPES);
    }
    return total;
  }
}
