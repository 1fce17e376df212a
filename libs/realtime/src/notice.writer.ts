import { FromType, groupConversationId, parseConversationId, systemConversationId } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { AppendInput, AppendResult, Store } from '@im/store';
import type { DeliveryPort } from './delivery.port';
import type { PushNotifier } from './push.notifier';

/** A message to store: a server-made one has its `sendTime`. */
type Notice = AppendInput['message'];

/** What a write did: the stored copy, whether it was stored before, and how many users it was delivered to. */
export interface NoticeResult extends AppendResult {
  readonly deliveredTo: number;
}

export interface NoticeOptions {
  /** A user not to deliver to (the one who caused it, and knows); the notice is stored all the same. */
  readonly except?: string;
  /**
   * Asked once the notice is stored: false delivers nothing now (devices get it at their next
   * sync). For a notice whose live delivery is claimed elsewhere (the group expiry sweep).
   */
  readonly deliverIf?: () => Promise<boolean>;
}

/**
 * The one way a service stores and delivers a server-made message (build it with
 * `serverMessage` from `@im/protocol`). The redelivery rule, the same for every notice: the
 * store keeps it once (its msgId is made from what it is about), and every write delivers the
 * stored copy — the first and every repeat of the command that made it (a bus redelivery after a
 * crash, a client's retry with the same idempotency key), so a delivery lost with the crash is
 * made good. A device drops a seq it already has, so a repeat never shows twice. A notice of a
 * type that pushes goes on to the recipients' offline devices (`PushNotifier`, once per user).
 *
 * It is also the one place that names the sender: a notice from a person (fromType 1) or about
 * one (fromType 2, fromId the acting user) built without a `fromName` gets that user's name and
 * avatar from the user directory (`Store.users`), so every server-made message shows who acted.
 */
export class NoticeWriter {
  constructor(
    private readonly store: Store,
    private readonly delivery: DeliveryPort,
    /** Pushes a stored notice of a type that pushes to its recipients' offline devices; absent: no push. */
    private readonly push?: PushNotifier,
  ) {}

  /** In the user's system conversation `s:<userId>`, to that user. */
  toUser(userId: string, message: Notice, options: NoticeOptions = {}): Promise<NoticeResult> {
    return this.write(systemConversationId(userId), message, () => Promise.resolve([userId]), options);
  }

  /** In the group conversation `g:<groupId>`, to its members at delivery time. */
  toGroup(groupId: string, message: Notice, options: NoticeOptions = {}): Promise<NoticeResult> {
    return this.write(groupConversationId(groupId), message, () => this.members(groupId), options);
  }

  /** In a direct (`p:`, to both users) or group (`g:`, to its members) conversation. */
  async toConversation(conversationId: string, message: Notice, options: NoticeOptions = {}): Promise<NoticeResult> {
    const parsed = parseConversationId(conversationId);
    if (!parsed) throw new Error(`not a conversation id: ${conversationId}`);
    const recipients =
      parsed.kind === 'direct'
        ? () => Promise.resolve([...new Set(parsed.userIds)])
        : () => this.members(parsed.groupId);
    return this.write(conversationId, message, recipients, options);
  }

  /** Not stored: to the devices of the users online now (a refusal such as 66). */
  async live(userIds: readonly string[], message: ImMessage): Promise<void> {
    if (userIds.length > 0) await this.delivery.send(userIds, { kind: 'live', message: await this.named(message) });
  }

  /** The directory's name of a user, or their id when it has none: for a notice whose content names a person. */
  async nameOf(userId: string): Promise<string> {
    return (await this.store.users.get(userId))?.name ?? userId;
  }

  /** The message with its acting user's name and avatar, when it came without a name. */
  private async named<M extends ImMessage>(message: M): Promise<M> {
    if (message.fromName !== '' || (message.fromType !== FromType.PERSON && message.fromType !== FromType.GROUP))
      return message;
    const profile = await this.store.users.get(message.fromId);
    if (profile === undefined) return message;
    return { ...message, fromName: profile.name, imageIconUrl: message.imageIconUrl || profile.avatar };
  }

  private async write(
    conversationId: string,
    message: Notice,
    recipients: () => Promise<string[]>,
    options: NoticeOptions,
  ): Promise<NoticeResult> {
    const result = await this.store.messages.append({ conversationId, message: await this.named(message) });
    if (options.deliverIf !== undefined && !(await options.deliverIf())) return { ...result, deliveredTo: 0 };
    const to = (await recipients()).filter((u) => u !== options.except);
    if (to.length > 0) await this.delivery.send(to, { kind: 'stored', message: result.stored });
    if (to.length > 0) await this.push?.afterStored(result.stored, to);
    return { ...result, deliveredTo: to.length };
  }

  private async members(groupId: string): Promise<string[]> {
    return (await this.store.groups.members(groupId)).map((m) => m.userId);
  }
}
