import { Topics } from '@im/bus';
import type { Bus, PushRecord } from '@im/bus';
import type { Logger } from '@im/common';
import {
  MessageType,
  cutPreview,
  isPushed,
  parseConversationId,
  pushBody,
  pushPriority,
  systemConversationId,
} from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { PushDevice, Store, StoredMessage } from '@im/store';
import type { OnceStore, Presence } from './presence.port';
import { unreadTotal } from './unread';

/** How long a push is remembered as sent, so a redelivered message or command pushes nothing again. */
const PUSH_MARK_TTL_MS = 7 * 24 * 3600 * 1000;

export interface PushNotifierDeps {
  readonly bus: Bus;
  readonly presence: Presence;
  readonly store: Store;
  readonly once: OnceStore;
  readonly logger: Logger;
}

/** A message to push: stored ones have their `sendTime`; a live one (a ring) may not. */
type Pushable = Pick<ImMessage, 'msgId' | 'messageType' | 'fromId' | 'fromName' | 'content' | 'sendTime'>;

/**
 * The one offline-push path of every producer (message service, `NoticeWriter` of the wallet,
 * group, friend and events services, the call service's ring). For a message of a type that
 * pushes (`isPushed`, docs/business-events.md) and each recipient but its sender (a notice in the
 * recipient's own `s:<userId>` goes to them whoever it names as sender) who has not
 * turned push off nor muted the conversation: the recipient's devices with a push token and no
 * socket open now (Presence, per device: a phone is pushed while its user's PC is online) get one
 * `PushRecord` on `im.push.out` listing their tokens. A push is marked in the OnceStore under its
 * pushId before it is published (and unmarked if publishing fails), so a repeat pushes nothing.
 */
export class PushNotifier {
  constructor(private readonly d: PushNotifierDeps) {}

  /** A stored message was handed to `recipients`: pushes it to their offline devices. Returns the records published. */
  afterStored(stored: StoredMessage, recipients: readonly string[]): Promise<number> {
    return this.afterDeliveries([{ stored, recipients }]);
  }

  /**
   * A batch of stored messages handed to their recipients (the message service's batch path): the
   * push devices of every recipient of the batch are read once, so a batch of messages to users
   * without a push token costs one store read in all, not one per message.
   */
  async afterDeliveries(items: readonly { stored: StoredMessage; recipients: readonly string[] }[]): Promise<number> {
    const pushed = items.filter(({ stored }) => isPushed(stored.message.messageType));
    const users = new Set(
      pushed.flatMap(({ stored, recipients }) => pushTargets(stored.conversationId, stored.message, recipients)),
    );
    if (users.size === 0) return 0;
    const devices = byUser(await this.d.store.pushDevices.devicesOf([...users]));
    if (devices.size === 0) return 0;
    let published = 0;
    for (const { stored, recipients } of pushed) {
      const withTokens = recipients.filter((u) => devices.has(u));
      if (withTokens.length === 0) continue;
      const m = stored.message;
      // A call's 162 replaces its ringing push on the phone (same collapse key as the ring).
      const callId = m.messageType === MessageType.CALL_ENDED ? callIdOf(m.content) : undefined;
      const options = callId === undefined ? {} : { collapseKey: `call:${callId}` };
      published += await this.push(stored.conversationId, m, withTokens, options, devices);
    }
    return published;
  }

  /** A message that is not stored (a ringing call): pushed at once to the users' offline devices. */
  live(
    conversationId: string,
    message: Pushable,
    userIds: readonly string[],
    options: { readonly collapseKey?: string } = {},
  ): Promise<number> {
    return this.push(conversationId, message, userIds, options);
  }

  private async push(
    conversationId: string,
    m: Pushable,
    recipients: readonly string[],
    options: { readonly collapseKey?: string },
    /** The recipients' push devices when the caller read them already (a batch). */
    known?: ReadonlyMap<string, PushDevice[]>,
  ): Promise<number> {
    if (!isPushed(m.messageType)) return 0;
    const users = pushTargets(conversationId, m, recipients);
    if (users.length === 0) return 0;
    const devices = known ?? byUser(await this.d.store.pushDevices.devicesOf(users));
    const withTokens = users.filter((u) => devices.has(u));
    if (withTokens.length === 0) return 0;
    const [mutedUsers, mutedHere] = await Promise.all([
      this.d.store.pushDevices.mutedUsersAmong(withTokens),
      this.d.store.conversations.mutedAmong(conversationId, withTokens),
    ]);
    let title: string | undefined;
    let published = 0;
    for (const userId of withTokens) {
      if (mutedUsers.has(userId) || mutedHere.has(userId)) continue;
      const online = new Set((await this.d.presence.sessionsOf(userId)).map((s) => s.deviceId));
      const offline = (devices.get(userId) ?? []).filter((dev) => !online.has(dev.deviceId));
      if (offline.length === 0) continue;
      const pushId = `${conversationId}/${m.msgId}/${userId}`;
      if ((await this.d.once.putIfAbsent(`push:${pushId}`, '1', PUSH_MARK_TTL_MS)) !== undefined) continue;
      title ??= await this.titleOf(conversationId, m);
      const record: PushRecord = {
        pushId,
        userId,
        conversationId,
        msgId: m.msgId,
        messageType: m.messageType,
        fromId: m.fromId,
        title,
        body: this.bodyOf(conversationId, m),
        badge: await unreadTotal(this.d.store, userId),
        sendTime: m.sendTime ?? Date.now(),
        tokens: offline.map(({ deviceId, platform, token }) => ({ deviceId, platform, token })),
        priority: pushPriority(m.messageType),
        ...(options.collapseKey !== undefined ? { collapseKey: options.collapseKey } : {}),
      };
      try {
        await this.d.bus.publish(Topics.PUSH_OUT, userId, record);
      } catch (err) {
        await this.d.once.take(`push:${pushId}`);
        throw err;
      }
      published++;
    }
    if (published > 0) this.d.logger.debug({ msgId: m.msgId, pushes: published }, 'offline push published');
    return published;
  }

  private bodyOf(conversationId: string, m: Pushable): string {
    const preview = pushBody(m.messageType, m.content);
    const group = parseConversationId(conversationId)?.kind === 'group';
    return group ? cutPreview(`${m.fromName || m.fromId}: ${preview}`) : preview;
  }

  private async titleOf(conversationId: string, m: Pushable): Promise<string> {
    const parsed = parseConversationId(conversationId);
    if (parsed?.kind === 'group') return (await this.d.store.groups.get(parsed.groupId))?.name ?? parsed.groupId;
    return m.fromName || m.fromId;
  }
}

/**
 * Who a message may be pushed to: its recipients but its sender; a notice in a user's own notice
 * conversation is theirs whoever it is from (a group invitation names the invitee as fromId).
 */
function pushTargets(conversationId: string, m: Pick<ImMessage, 'fromId'>, recipients: readonly string[]): string[] {
  return [...new Set(recipients)].filter((u) => u !== m.fromId || conversationId === systemConversationId(u));
}

function byUser(devices: readonly PushDevice[]): Map<string, PushDevice[]> {
  const map = new Map<string, PushDevice[]>();
  for (const dev of devices) map.set(dev.userId, [...(map.get(dev.userId) ?? []), dev]);
  return map;
}

function callIdOf(content: unknown): string | undefined {
  const id =
    typeof content === 'object' && content !== null ? (content as Record<string, unknown>)['callId'] : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
