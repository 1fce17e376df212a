import type { ChatRecord } from '@im/bus';
import { Coalescer } from '@im/common';
import type { Clock, Logger } from '@im/common';
import { MessageType, parseConversationId, serverMessage } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import { NoticeWriter } from '@im/realtime';
import type { DeliveryPort, PushNotifier } from '@im/realtime';
import { checkGroupSend } from '@im/store';
import type { GroupSendRefusalCode, Store, StoredMessage } from '@im/store';
import type { PasswordPacketMatcher } from './password-packets';

export interface MessageServiceOptions {
  /** How long after sending its sender may recall a message; default 2 minutes. */
  readonly recallWindowMs: number;
  /** Refuse 1:1 messages between users who are not friends; default off. */
  readonly requireFriendship: boolean;
}

export type MessageOutcome = 'stored' | 'duplicate' | 'refused' | 'read';

/**
 * Owns conversations: checks what needs state, assigns seqs, stores, delivers. Every step is
 * idempotent by msgId, so a record redelivered after a crash is stored once and delivered again
 * (the gateways drop what a device already has, by seq).
 */
export class MessageService {
  private readonly notices: NoticeWriter;
  /**
   * The appends of the batches handled at the same time (Kafka hands each partition's batch to
   * its own call, all partitions at once) go to the store together: one `appendBatch`, one rule
   * check, one delivery pipeline and one push-device read for all of them, instead of one of
   * each per partition. A conversation lives on one partition, and a partition has one batch
   * in flight, so gathering never reorders a conversation. If the gathered run fails, every
   * batch in it fails and is retried (or goes record by record) as it would alone.
   */
  private readonly appends = new Coalescer<readonly ChatRecord[], void>(
    async (lists) => {
      await this.appendAll(lists.flat());
      return lists.map(() => ({ ok: true, value: undefined }));
    },
    { maxBatch: 64, maxInFlight: 2 },
  );

  constructor(
    private readonly store: Store,
    private readonly delivery: DeliveryPort,
    private readonly options: MessageServiceOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
    /** Publishes to `im.push.out` for recipients' offline devices; absent: no offline push. */
    private readonly push?: PushNotifier,
    /** Opens password red packets whose password is sent as a group text message; absent: no chat path. */
    private readonly passwords?: PasswordPacketMatcher,
  ) {
    this.notices = new NoticeWriter(store, delivery);
  }

  /**
   * A batch of `im.messages` (one fetched Kafka batch of a partition, or what the in-process bus
   * gathered): grouped by conversation, each conversation's leading appends stored with one seq
   * range (`appendBatch`: one `insertMany` for the batch) and delivered in one pipeline; from a
   * conversation's first read mark or recall on, its records go one by one after that, in order.
   */
  async handleBatch(records: readonly ChatRecord[]): Promise<void> {
    const byConversation = new Map<string, ChatRecord[]>();
    for (const r of records) {
      const list = byConversation.get(r.conversationId);
      if (list) list.push(r);
      else byConversation.set(r.conversationId, [r]);
    }
    const appends: ChatRecord[] = [];
    const tails: ChatRecord[][] = [];
    for (const list of byConversation.values()) {
      const cut = list.findIndex(
        (r) => r.message.messageType === MessageType.READ || r.message.messageType === MessageType.RECALL,
      );
      appends.push(...(cut === -1 ? list : list.slice(0, cut)));
      if (cut !== -1) tails.push(list.slice(cut));
    }
    if (appends.length > 0) await this.appends.submit(appends);
    await Promise.all(
      tails.map(async (tail) => {
        for (const r of tail) await this.handle(r);
      }),
    );
  }

  private async appendAll(records: readonly ChatRecord[]): Promise<void> {
    if (records.length === 0) return;
    const refusals = await Promise.all(records.map((r) => this.refusal(r)));
    const accepted: ChatRecord[] = [];
    const told: Promise<void>[] = [];
    records.forEach((record, i) => {
      const refusal = refusals[i];
      if (!refusal) {
        accepted.push(record);
        return;
      }
      this.logger.info({ msgId: record.message.msgId, reason: refusal }, 'message refused');
      if (refusal === 'blacklisted') told.push(this.tellBlacklisted(record));
    });
    await Promise.all(told);
    if (accepted.length === 0) return;
    const results = await this.store.messages.appendBatch(
      accepted.map((r) => ({ conversationId: r.conversationId, message: r.message, senderDeviceId: r.senderDeviceId })),
    );
    const conversations = [...new Set(results.map((r) => r.stored.conversationId))];
    const recipients = new Map(
      await Promise.all(conversations.map(async (c) => [c, await this.recipients(c)] as const)),
    );
    const items = results.map(({ stored }) => ({ stored, recipients: recipients.get(stored.conversationId) ?? [] }));
    // Delivery and offline push side by side: they share nothing but the stored messages.
    await Promise.all([
      this.delivery.sendMany(
        items.map(({ stored, recipients: userIds }) => ({ userIds, delivery: { kind: 'stored', message: stored } })),
      ),
      this.push?.afterDeliveries(items),
    ]);
    if (this.passwords) for (const r of results) await this.passwords.afterStored(r.stored, r.duplicate);
  }

  async handle(record: ChatRecord): Promise<MessageOutcome> {
    const { message } = record;
    switch (message.messageType) {
      case MessageType.READ:
        return this.markRead(record);
      case MessageType.RECALL:
        return this.recall(record);
      default:
        return this.append(record);
    }
  }

  private async append(record: ChatRecord): Promise<MessageOutcome> {
    const refusal = await this.refusal(record);
    if (refusal) {
      this.logger.info({ msgId: record.message.msgId, reason: refusal }, 'message refused');
      if (refusal === 'blacklisted') await this.tellBlacklisted(record);
      return 'refused';
    }
    const { stored, duplicate } = await this.store.messages.append({
      conversationId: record.conversationId,
      message: record.message,
      senderDeviceId: record.senderDeviceId,
    });
    await this.deliver(stored);
    await this.passwords?.afterStored(stored, duplicate);
    return duplicate ? 'duplicate' : 'stored';
  }

  /** Rechecks here what the gateway checked, since state may have changed in between. */
  private async refusal(record: ChatRecord): Promise<'blacklisted' | 'not-friend' | GroupSendRefusalCode | undefined> {
    const { message } = record;
    if (message.fromType === 2)
      return (await checkGroupSend(this.store.groups, message.destId, message.fromId, this.clock.now()))?.code;
    if (await this.store.relations.isBlocked(message.destId, message.fromId)) return 'blacklisted';
    if (this.options.requireFriendship && message.destId !== message.fromId) {
      if (!(await this.store.relations.areFriends(message.fromId, message.destId))) return 'not-friend';
    }
    return undefined;
  }

  private async tellBlacklisted(record: ChatRecord): Promise<void> {
    const m = record.message;
    const notice = serverMessage({
      msgId: `66-${m.msgId}`,
      messageType: MessageType.BLACKLISTED,
      from: { id: m.destId, type: 'PERSON' },
      destId: m.fromId,
      content: m.msgId,
      at: this.clock.now(),
    });
    await this.notices.live([m.fromId], notice);
  }

  private async recipients(conversationId: string): Promise<string[]> {
    const parsed = parseConversationId(conversationId);
    if (!parsed) return [];
    if (parsed.kind === 'direct') return [...new Set(parsed.userIds)];
    return (await this.store.groups.members(parsed.groupId)).map((m) => m.userId);
  }

  private async deliver(stored: StoredMessage): Promise<void> {
    const recipients = await this.recipients(stored.conversationId);
    await this.delivery.send(recipients, { kind: 'stored', message: stored });
    await this.push?.afterStored(stored, recipients);
  }

  private async recall(record: ChatRecord): Promise<MessageOutcome> {
    const { message, conversationId } = record;
    const target = await this.store.messages.findByMsgId(conversationId, String(message.content));
    const tooLate = target !== undefined && message.sendTime - target.message.sendTime > this.options.recallWindowMs;
    if (!target || target.message.fromId !== message.fromId || tooLate) {
      this.logger.info({ msgId: message.msgId, target: message.content }, 'recall refused');
      return 'refused';
    }
    await this.store.messages.markRecalled(conversationId, target.message.msgId);
    return this.append(record);
  }

  private async markRead(record: ChatRecord): Promise<MessageOutcome> {
    const { message, conversationId } = record;
    const target = await this.store.messages.findByMsgId(conversationId, String(message.content));
    if (!target) return 'refused';
    const readSeq = await this.store.conversations.setReadSeq(message.fromId, conversationId, target.seq);
    const parsed = parseConversationId(conversationId);
    const others = parsed?.kind === 'direct' ? parsed.userIds.filter((u) => u !== message.fromId) : [];
    const receipt: ImMessage = { ...message, seq: readSeq };
    await this.delivery.send([...others, message.fromId], {
      kind: 'live',
      message: receipt,
      exceptDeviceId: record.senderDeviceId,
    });
    return 'read';
  }
}
