import type { CommandReply, WalletCommand } from '@im/bus';
import { MessageType } from '@im/protocol';
import type { MessageTypeNumber } from '@im/protocol';
import type { Transfer } from '@im/store';
import { MoneyPart, refuse, sameFields } from './money.part';

type SendCommand = Extract<WalletCommand, { kind: 'transfer-send' }>;
type AnswerCommand = Extract<WalletCommand, { kind: 'transfer-accept' | 'transfer-return' }>;

export type TransferResult = { readonly transferId: string; readonly state: Transfer['state'] };

/** The account holding a transfer's money until it is accepted or returned. */
export const transferAccount = (transferId: string): string => `tr:${transferId}`;
const fundOp = (id: string): string => `trf:${id}`;
const acceptOp = (id: string): string => `tra:${id}`;
const returnOp = (id: string): string => `trr:${id}`;

/**
 * Transfers between friends (18, 20, 21). The money waits in the transfer's own account; accept
 * (to the receiver) and return (to the sender) are two operations that each debit that account
 * for the full amount, so the ledger lets exactly one of them through — whatever the order, the
 * retries, the crashes: never paid twice, never both paid and returned.
 */
export class TransferService extends MoneyPart {
  async send(c: SendCommand): Promise<CommandReply<TransferResult>> {
    if (!Number.isSafeInteger(c.amount) || c.amount < 1 || c.amount > this.options.transferMaxAmount) {
      return refuse('IM_ERR_BAD_REQUEST', `amount must be an integer from 1 to ${this.options.transferMaxAmount} fen`);
    }
    if (c.fromId === c.toId) return refuse('IM_ERR_BAD_REQUEST', 'cannot transfer to yourself');
    if (!(await this.store.relations.areFriends(c.fromId, c.toId)))
      return refuse('IM_ERR_NOT_FRIEND', 'transfers go to friends only');
    const transfer: Transfer = {
      transferId: c.transferId,
      fromId: c.fromId,
      toId: c.toId,
      amount: c.amount,
      msg: c.msg,
      state: 'funding',
      createdAt: c.at,
      expiresAt: c.at + this.options.transferExpiryMs,
    };
    const current = await this.createOnce(this.store.transfers, c.transferId, transfer, (first) =>
      sameFields(first, transfer, ['fromId', 'toId', 'amount']),
    );
    if (!current) return refuse('IM_ERR_CONFLICT', 'this transfer id was used with other parameters');
    const funded = await this.fund(current);
    if (funded.state === 'failed')
      return refuse('IM_ERR_INSUFFICIENT_FUNDS', 'the balance does not cover the transfer');
    return { ok: true, value: { transferId: funded.transferId, state: funded.state } };
  }

  async answer(c: AnswerCommand): Promise<CommandReply<TransferResult>> {
    const transfer = await this.store.transfers.get(c.transferId);
    if (!transfer || transfer.state === 'failed') return refuse('IM_ERR_NOT_FOUND', 'no such transfer');
    if (transfer.toId !== c.userId)
      return refuse('IM_ERR_FORBIDDEN', 'only the receiver may accept or return a transfer');
    const funded = await this.fund(transfer);
    if (funded.state === 'failed') return refuse('IM_ERR_NOT_FOUND', 'no such transfer');
    if (c.kind === 'transfer-accept' && c.at >= funded.expiresAt) {
      // Too late to accept: it returns (if the sweep has not done so already) — unless it was accepted in time.
      const late = await this.decide(funded, 'return', c.at);
      if (late === 'accepted') return { ok: true, value: { transferId: funded.transferId, state: late } };
      return refuse('IM_ERR_CONFLICT', 'the transfer expired and was returned');
    }
    const wanted = c.kind === 'transfer-accept' ? 'accept' : 'return';
    const outcome = await this.decide(funded, wanted, c.at);
    if (outcome !== (wanted === 'accept' ? 'accepted' : 'returned'))
      return refuse('IM_ERR_CONFLICT', `the transfer was already ${outcome}`);
    return { ok: true, value: { transferId: funded.transferId, state: outcome } };
  }

  /** Funds, returns what expired, completes what a crash interrupted. */
  async sweep(now: number): Promise<number> {
    let done = 0;
    for (const t of await this.store.transfers.open(500)) {
      if (t.state === 'funding' && t.createdAt > now - this.options.recoveryAgeMs) continue;
      const funded = await this.fund(t);
      if (funded.state !== 'pending') continue;
      const started =
        (await this.store.ledger.op(acceptOp(t.transferId))) ?? (await this.store.ledger.op(returnOp(t.transferId)));
      if (started) {
        await this.decide(funded, started.kind === 'transfer-accept' ? 'accept' : 'return', now);
        done += 1;
      } else if (now >= funded.expiresAt) {
        await this.decide(funded, 'return', now);
        done += 1;
      }
    }
    return done;
  }

  private async fund(t: Transfer): Promise<Transfer> {
    if (t.state !== 'funding') return t;
    const outcome = await this.ledger.submit({
      opId: fundOp(t.transferId),
      kind: 'transfer-fund',
      fromAccount: t.fromId,
      toAccount: transferAccount(t.transferId),
      amount: t.amount,
      ref: t.transferId,
    });
    if (outcome.state === 'refused') {
      await this.store.transfers.setState(t.transferId, 'failed', ['funding']);
      return { ...t, state: 'failed' };
    }
    await this.notify(
      t,
      MessageType.TRANSFER_RECEIVED,
      t.toId,
      t.fromId,
      { transferId: t.transferId, amt: t.amount, msg: t.msg },
      t.createdAt,
    );
    // Only from funding: a decision made meanwhile (this step may work from an old snapshot) stays.
    await this.store.transfers.setState(t.transferId, 'pending', ['funding']);
    this.logger.info({ transferId: t.transferId, amount: t.amount }, 'transfer sent');
    return { ...t, state: 'pending' };
  }

  /**
   * Tries to accept or return; the ledger admits one of the two. Answers what happened — the
   * other outcome when it had been decided already. Repeats safely (notices by fixed msgId).
   */
  private async decide(t: Transfer, wanted: 'accept' | 'return', at: number): Promise<'accepted' | 'returned'> {
    const accept = wanted === 'accept';
    const outcome = await this.ledger.submit({
      opId: accept ? acceptOp(t.transferId) : returnOp(t.transferId),
      kind: accept ? 'transfer-accept' : 'transfer-return',
      fromAccount: transferAccount(t.transferId),
      toAccount: accept ? t.toId : t.fromId,
      amount: t.amount,
      ref: t.transferId,
    });
    if (outcome.state === 'refused') {
      // The other one took the money: finish it (it may have been interrupted), then answer with it.
      const other = accept ? 'return' : 'accept';
      const otherOp = await this.store.ledger.op(accept ? returnOp(t.transferId) : acceptOp(t.transferId));
      if (otherOp === undefined)
        throw new Error(`transfer ${t.transferId}: ${wanted} refused but no ${other} recorded`);
      return this.decide(t, other, at);
    }
    const state = accept ? 'accepted' : 'returned';
    const content = { transferId: t.transferId, amt: t.amount };
    if (accept) await this.notify(t, MessageType.TRANSFER_ACCEPTED, t.fromId, t.toId, content, at);
    else {
      await this.notify(t, MessageType.TRANSFER_RETURNED, t.fromId, t.toId, content, at);
      await this.notify(t, MessageType.TRANSFER_RETURNED, t.toId, t.fromId, content, at);
    }
    await this.store.transfers.setState(t.transferId, state, ['funding', 'pending', state]);
    this.logger.info({ transferId: t.transferId, state }, 'transfer decided');
    return state;
  }

  /** A notice in `toId`'s system conversation, stored (and sent) once. */
  private async notify(
    t: Transfer,
    type: MessageTypeNumber,
    toId: string,
    fromId: string,
    content: unknown,
    at: number,
  ): Promise<void> {
    await this.tellUser(toId, fromId, { msgId: `tr${type}-${t.transferId}-${toId}`, type, content, at });
  }
}
