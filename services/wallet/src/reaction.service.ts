import type { CommandReply, WalletCommand } from '@im/bus';
import { MessageType, groupConversationId, serverMessage } from '@im/protocol';
import type { MessageTypeNumber } from '@im/protocol';
import { checkGroupSend } from '@im/store';
import { MoneyPart, refuse } from './money.part';

type LikeCommand = Extract<WalletCommand, { kind: 'like' }>;
type TipCommand = Extract<WalletCommand, { kind: 'tip' }>;

export type ReactionResult = { readonly msgId: string; readonly authorId: string; readonly amount?: number };

export const tipOpId = (tipId: string): string => `tip:${tipId}`;

/**
 * Likes (82) and tips (83) on a group text message, told to its author in their system
 * conversation. A tip is one ledger operation from the tipper to the author, keyed by the tip id
 * (the tipper's 83 msgId): the same 83 again moves nothing more.
 */
export class ReactionService extends MoneyPart {
  async like(c: LikeCommand): Promise<CommandReply<ReactionResult>> {
    const target = await this.target(c.groupId, c.msgId, c.fromId, c.at);
    if (!target.ok) return target;
    const authorId = target.value;
    await this.notify(authorId, MessageType.GROUP_MESSAGE_LIKE, `lk82-${c.likeId}`, c, {
      msgId: c.msgId,
      groupId: c.groupId,
    });
    return { ok: true, value: { msgId: c.msgId, authorId } };
  }

  async tip(c: TipCommand): Promise<CommandReply<ReactionResult>> {
    const max = this.options.transferMaxAmount;
    if (!Number.isSafeInteger(c.amount) || c.amount < 1 || c.amount > max)
      return refuse('IM_ERR_BAD_REQUEST', `a tip (amt) must be an integer from 1 to ${max} fen`);
    const target = await this.target(c.groupId, c.msgId, c.fromId, c.at);
    if (!target.ok) return target;
    const authorId = target.value;
    const outcome = await this.ledger.submit({
      opId: tipOpId(c.tipId),
      kind: 'tip',
      fromAccount: c.fromId,
      toAccount: authorId,
      amount: c.amount,
      ref: `${c.groupId}/${c.msgId}`,
    });
    if (outcome.state === 'refused') return refuse('IM_ERR_INSUFFICIENT_FUNDS', 'the balance does not cover the tip');
    await this.notify(authorId, MessageType.GROUP_MESSAGE_TIP, `tip83-${c.tipId}`, c, {
      msgId: c.msgId,
      groupId: c.groupId,
      amt: c.amount,
    });
    this.logger.info({ tipId: c.tipId, groupId: c.groupId, amount: c.amount }, 'tip paid');
    return { ok: true, value: { msgId: c.msgId, authorId, amount: c.amount } };
  }

  /** The author of a text message of the group, for a member who is not that author. */
  private async target(groupId: string, msgId: string, fromId: string, at: number): Promise<CommandReply<string>> {
    const refusal = await checkGroupSend(this.store.groups, groupId, fromId, at);
    if (refusal) return refuse(refusal.code, refusal.reason);
    const target = await this.store.messages.findByMsgId(groupConversationId(groupId), msgId);
    if (!target || target.recalled || target.message.messageType !== MessageType.TEXT)
      return refuse('IM_ERR_NOT_FOUND', 'no such text message in this group');
    if (target.message.fromId === fromId)
      return refuse('IM_ERR_BAD_REQUEST', 'you cannot like or tip your own message');
    return { ok: true, value: target.message.fromId };
  }

  private async notify(
    authorId: string,
    type: MessageTypeNumber,
    msgId: string,
    c: LikeCommand | TipCommand,
    content: unknown,
  ): Promise<void> {
    await this.notices.toUser(
      authorId,
      serverMessage({
        msgId,
        messageType: type,
        from: { id: c.fromId, type: 'GROUP' },
        destId: c.groupId,
        content,
        at: c.at,
      }),
    );
  }
}
