import type { CommandReply, WalletCommand } from '@im/bus';
import { MessageType } from '@im/protocol';
import { checkGroupSend } from '@im/store';
import type { Collection, CollectionSeat } from '@im/store';
import { MoneyPart, refuse, sameFields } from './money.part';

type CreateCommand = Extract<WalletCommand, { kind: 'collection-create' }>;
type PayCommand = Extract<WalletCommand, { kind: 'collection-pay' }>;

export type CollectionResult =
  | { readonly collectionId: string; readonly state: Collection['state'] }
  | { readonly collectionId: string; readonly amount: number; readonly slot: number; readonly alreadyPaid: boolean };

/** The money operation paying seat `slot`: from the seat's payer to the collector. */
export const seatOpId = (collectionId: string, slot: number): string => `pcp:${collectionId}:${slot}`;

/** What the same create command again repeats: every field it sets. */
const RETRIED_FIELDS: readonly (keyof Collection)[] = [
  'kind',
  'collectorId',
  'targetType',
  'targetId',
  'amount',
  'count',
  'totalAmt',
  'msg',
];

type SeatStatus = 'paid' | 'void' | 'unpaid';

/**
 * AA collections (40) and payment requests (41): a payment takes a seat by a unique insert, then
 * the ledger moves `amount` from the payer to the collector (39 to the collector). At most
 * `count` payments succeed: a seat at slot k is taken only while fewer than `count` of the seats
 * before it are paid or still unpaid, and a seat is void only when the ledger refused its payment
 * (final). One payment per payer: a payer takes their next seat only when every earlier one is
 * void (the (collection, payer, attempt) key). See docs/money.md.
 */
export class CollectionService extends MoneyPart {
  async create(c: CreateCommand): Promise<CommandReply<CollectionResult>> {
    const invalid = await this.checkCreate(c);
    if (invalid) return invalid;
    const collection: Collection = {
      collectionId: c.collectionId,
      kind: c.collectionKind,
      collectorId: c.collectorId,
      targetType: c.targetType,
      targetId: c.targetId,
      amount: c.amount,
      count: c.count,
      totalAmt: c.totalAmt,
      msg: c.msg,
      state: 'posting',
      createdAt: c.at,
      expiresAt: c.at + this.options.collectionExpiryMs,
    };
    const current = await this.createOnce(this.store.collections, c.collectionId, collection, (first) =>
      sameFields(first, collection, RETRIED_FIELDS),
    );
    if (!current) return refuse('IM_ERR_CONFLICT', 'this request id was used with other parameters');
    const posted = await this.post(current);
    return { ok: true, value: { collectionId: posted.collectionId, state: posted.state } };
  }

  private async checkCreate(c: CreateCommand): Promise<CommandReply<never> | undefined> {
    const max = this.options.transferMaxAmount;
    if (!Number.isSafeInteger(c.amount) || c.amount < 1 || c.amount > max)
      return refuse('IM_ERR_BAD_REQUEST', `amount must be an integer from 1 to ${max} fen`);
    if (!Number.isSafeInteger(c.count) || c.count < 1 || c.count > this.options.maxShares)
      return refuse('IM_ERR_BAD_REQUEST', `count must be an integer from 1 to ${this.options.maxShares}`);
    if (!Number.isSafeInteger(c.totalAmt) || c.totalAmt < c.amount)
      return refuse('IM_ERR_BAD_REQUEST', 'totalAmt must be an integer of at least amount');
    if (c.targetType === 'user') {
      if (c.targetId === c.collectorId) return refuse('IM_ERR_BAD_REQUEST', 'the payer cannot be yourself');
      if (c.count !== 1)
        return refuse('IM_ERR_BAD_REQUEST', 'a 1:1 collection or payment request is paid once: count must be 1');
      if (await this.store.relations.isBlocked(c.targetId, c.collectorId))
        return refuse('IM_ERR_BLACKLISTED', 'the receiver has blacklisted you');
      return undefined;
    }
    if (c.collectionKind === 'request') return refuse('IM_ERR_BAD_REQUEST', 'a payment request goes to one user');
    const refusal = await checkGroupSend(this.store.groups, c.targetId, c.collectorId, c.at);
    if (refusal) return refuse(refusal.code, refusal.reason);
    const others = (await this.store.groups.members(c.targetId)).length - 1;
    if (c.count > others)
      return refuse('IM_ERR_BAD_REQUEST', `count must not exceed the ${others} other members of the group`);
    return undefined;
  }

  async pay(c: PayCommand): Promise<CommandReply<CollectionResult>> {
    const collection = await this.store.collections.get(c.collectionId);
    if (!collection) return refuse('IM_ERR_NOT_FOUND', 'no such collection');
    if (c.payerId === collection.collectorId) return refuse('IM_ERR_BAD_REQUEST', 'you cannot pay your own collection');
    if (!(await this.mayPay(collection, c.payerId)))
      return refuse('IM_ERR_FORBIDDEN', 'this collection is not addressed to you');
    const posted = await this.post(collection);
    for (let attempt = 0; attempt <= posted.count + 16; attempt++) {
      const seats = await this.store.collections.seats(c.collectionId);
      const status = await Promise.all(seats.map((s) => this.status(s)));
      const mine = seats
        .map((s, i) => ({ seat: s, status: status[i] as SeatStatus }))
        .filter((x) => x.seat.payerId === c.payerId);
      const live = mine.find((x) => x.status !== 'void');
      if (live) {
        // Paid, or taken and not yet paid (a concurrent request, or a crash): finish it, then answer.
        const paid = live.status === 'paid' || (await this.settle(posted, live.seat));
        if (!paid) continue;
        if (live.seat.requestKey !== c.requestKey)
          return refuse('IM_ERR_CONFLICT', 'you have already paid this collection');
        return {
          ok: true,
          value: { collectionId: c.collectionId, amount: posted.amount, slot: live.seat.slot, alreadyPaid: true },
        };
      }
      const taken = status.filter((s) => s !== 'void').length;
      if (taken >= posted.count) {
        if (status.some((s) => s === 'unpaid')) {
          // A seat not yet decided may still be refused: decide it, then look again.
          for (const [i, s] of seats.entries()) if (status[i] === 'unpaid') await this.settle(posted, s);
          continue;
        }
        return refuse(
          'IM_ERR_COLLECTION_CLOSED',
          posted.kind === 'request' ? 'this payment request is paid' : 'every share of this collection is paid',
        );
      }
      if (c.at >= posted.expiresAt) return refuse('IM_ERR_COLLECTION_CLOSED', 'this collection has expired');
      if ((await this.ledger.balance(c.payerId)) < posted.amount)
        return refuse('IM_ERR_INSUFFICIENT_FUNDS', 'the balance does not cover the payment');
      const seat: CollectionSeat = {
        collectionId: c.collectionId,
        slot: seats.length,
        payerId: c.payerId,
        attempt: mine.length,
        requestKey: c.requestKey,
        at: c.at,
      };
      if (!(await this.store.collections.takeSeat(seat))) continue; // another payer took the slot, or this payer won a concurrent request
      if (await this.settle(posted, seat))
        return {
          ok: true,
          value: { collectionId: c.collectionId, amount: posted.amount, slot: seat.slot, alreadyPaid: false },
        };
      return refuse('IM_ERR_INSUFFICIENT_FUNDS', 'the balance does not cover the payment');
    }
    return refuse('IM_ERR_UNAVAILABLE', 'too many concurrent payments; retry');
  }

  /** Finishes what a crash left: posts, pays taken seats, closes what is paid in full or expired. */
  async sweep(now: number): Promise<number> {
    let done = 0;
    for (const collection of await this.store.collections.active(500)) {
      const posted = await this.post(collection);
      const seats = await this.store.collections.seats(posted.collectionId);
      let paid = 0;
      let unpaid = 0;
      for (const seat of seats) {
        const status = await this.status(seat);
        if (status === 'unpaid' && seat.at <= now - this.options.recoveryAgeMs) {
          if (await this.settle(posted, seat)) paid += 1;
          done += 1;
        } else if (status === 'paid') paid += 1;
        else if (status === 'unpaid') unpaid += 1;
      }
      if (unpaid === 0 && (paid >= posted.count || now >= posted.expiresAt)) {
        await this.store.collections.setState(posted.collectionId, 'closed');
        done += 1;
      }
    }
    return done;
  }

  private async mayPay(c: Collection, payerId: string): Promise<boolean> {
    if (c.targetType === 'user') return payerId === c.targetId;
    return (await this.store.groups.member(c.targetId, payerId)) !== undefined;
  }

  private async status(seat: CollectionSeat): Promise<SeatStatus> {
    const op = await this.store.ledger.op(seatOpId(seat.collectionId, seat.slot));
    if (op?.state === 'completed') return 'paid';
    if (op?.state === 'refused') return 'void';
    return 'unpaid';
  }

  /** Pays a seat (exactly once, by the ledger); true when paid, false when refused (the seat is void). 39 to the collector. */
  private async settle(c: Collection, seat: CollectionSeat): Promise<boolean> {
    const outcome = await this.ledger.submit({
      opId: seatOpId(c.collectionId, seat.slot),
      kind: c.kind === 'aa' ? 'aa-payment' : 'payment-request',
      fromAccount: seat.payerId,
      toAccount: c.collectorId,
      amount: c.amount,
      ref: c.collectionId,
    });
    if (outcome.state === 'refused') return false;
    const content = { amt: c.amount, collectionId: c.collectionId, payerId: seat.payerId };
    await this.tellUser(c.collectorId, seat.payerId, {
      msgId: `pc39-${c.collectionId}-${seat.slot}`,
      type: MessageType.PAYMENT_RECEIVED,
      content,
      at: seat.at,
    });
    this.logger.info(
      { collectionId: c.collectionId, payerId: seat.payerId, slot: seat.slot, amount: c.amount },
      'collection paid',
    );
    return true;
  }

  /** posting → open: the 40 in the conversation (AA) or the 41 to the payer (request), stored once. */
  private async post(c: Collection): Promise<Collection> {
    if (c.state !== 'posting') return c;
    if (c.kind === 'request') {
      await this.tellUser(c.targetId, c.collectorId, {
        msgId: `pc41-${c.collectionId}`,
        type: MessageType.PAYMENT_REQUEST,
        content: { msg: c.msg, amt: c.amount, collectionId: c.collectionId },
        at: c.createdAt,
      });
    } else {
      const content = {
        totalAmt: c.totalAmt,
        msg: c.msg,
        amt: c.amount,
        counts: c.count,
        collectionId: c.collectionId,
      };
      await this.postInConversation(
        c.collectorId,
        { type: c.targetType, id: c.targetId },
        { msgId: `pc40-${c.collectionId}`, type: MessageType.AA_COLLECTION, content, at: c.createdAt },
      );
    }
    await this.store.collections.setState(c.collectionId, 'open');
    return { ...c, state: 'open' };
  }
}
