import { AppError } from '@im/common';
import type { Clock } from '@im/common';
import type { LedgerEntry, LedgerRepository, MoneyOp } from '@im/store';
import { KeyedLanes } from '@im/common';

/** The world outside (payments): the one account allowed below zero. Top-ups come from it, withdrawals go to it. */
export const BANK_ACCOUNT = '@bank';
/** The account holding a red packet's money from funding until every share is paid or refunded. */
export const redPacketAccount = (packetId: string): string => `rp:${packetId}`;

export interface MoneyOpRequest {
  readonly opId: string;
  readonly kind: string;
  readonly fromAccount: string;
  readonly toAccount: string;
  readonly amount: number;
  readonly ref?: string;
}

export interface OpOutcome {
  readonly opId: string;
  readonly state: 'completed' | 'refused';
  /** The source account's balance right after the debit (or the refusal). */
  readonly fromBalance: number;
}

/** Enough to settle any race between writers: each failed insert means another writer advanced the chain. */
const MAX_ATTEMPTS = 10_000;

/**
 * The money engine (docs/money.md, "Correctness"). An operation moves `amount` from one account
 * to another in two legs: the debit entry (or a refusal entry) on the source, then the credit
 * entry on the destination. Each leg is one insert that the store's unique keys make
 * exactly-once per (account, operation); an operation can be driven again at any time, by any
 * number of workers, and ends the same way.
 */
export class Ledger {
  /** One leg at a time per account in this process (fewer retries); other processes race on the unique keys. */
  private readonly lanes = new KeyedLanes();

  constructor(
    private readonly repo: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  async balance(accountId: string): Promise<number> {
    return (await this.repo.head(accountId))?.balance ?? 0;
  }

  /**
   * Records the operation (idempotent by opId) and drives it to its end. The same opId with
   * other parameters is refused with IM_ERR_CONFLICT and changes nothing.
   */
  async submit(request: MoneyOpRequest): Promise<OpOutcome> {
    if (!Number.isSafeInteger(request.amount) || request.amount <= 0)
      throw new AppError('IM_ERR_BAD_REQUEST', 'amount must be a positive integer (fen)');
    if (request.fromAccount === request.toAccount)
      throw new AppError('IM_ERR_BAD_REQUEST', 'source and destination are the same account');
    const op: MoneyOp = { ...request, state: 'pending', createdAt: this.clock.now() };
    if (!(await this.repo.insertOp(op))) {
      const first = await this.repo.op(request.opId);
      if (first === undefined) throw new Error(`money op ${request.opId} refused as a duplicate but not found`);
      if (!sameParameters(first, request))
        throw new AppError('IM_ERR_CONFLICT', 'this idempotency key was used with other parameters');
      return this.drive(first);
    }
    return this.drive(op);
  }

  /** Drives an operation to its end (the recovery sweep calls this for the pending ones). */
  async drive(op: MoneyOp): Promise<OpOutcome> {
    const debit = await this.leg(op.fromAccount, op.opId, -op.amount, op.fromAccount !== BANK_ACCOUNT);
    if (debit.refused) {
      await this.repo.finishOp(op.opId, 'refused');
      return { opId: op.opId, state: 'refused', fromBalance: debit.balance };
    }
    await this.leg(op.toAccount, op.opId, op.amount, false);
    await this.repo.finishOp(op.opId, 'completed');
    return { opId: op.opId, state: 'completed', fromBalance: debit.balance };
  }

  /** Completes every operation still pending that was created at or before `createdBefore`. */
  async recover(createdBefore: number, limit = 200): Promise<number> {
    const pending = await this.repo.pendingOps(createdBefore, limit);
    for (const op of pending) await this.drive(op);
    return pending.length;
  }

  /**
   * Writes (or finds) the one entry of this operation on this account. A guarded account never
   * goes below zero: a debit it cannot cover becomes a refusal entry, which decides the
   * operation as firmly as a debit would (the (account, op) key admits only one of them).
   */
  private leg(accountId: string, opId: string, delta: number, guarded: boolean): Promise<LedgerEntry> {
    return this.lanes.run(accountId, () => this.writeLeg(accountId, opId, delta, guarded));
  }

  private async writeLeg(accountId: string, opId: string, delta: number, guarded: boolean): Promise<LedgerEntry> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.repo.head(accountId);
      const before = head?.balance ?? 0;
      const refused = guarded && before + delta < 0;
      const entry: LedgerEntry = {
        accountId,
        n: (head?.n ?? 0) + 1,
        opId,
        delta: refused ? 0 : delta,
        balance: refused ? before : before + delta,
        refused,
        at: this.clock.now(),
      };
      if (await this.repo.insertEntry(entry)) return entry;
      // Refused: either the slot was taken (by this op or another) or this op has its entry already.
      const taken = await this.repo.entry(accountId, entry.n);
      if (taken?.opId === opId) return taken;
      const mine = await this.repo.entryForOp(accountId, opId);
      if (mine !== undefined) return mine;
    }
    throw new Error(`ledger: no free slot on account ${accountId} after ${MAX_ATTEMPTS} attempts`);
  }
}

function sameParameters(op: MoneyOp, request: MoneyOpRequest): boolean {
  return (
    op.kind === request.kind &&
    op.fromAccount === request.fromAccount &&
    op.toAccount === request.toAccount &&
    op.amount === request.amount &&
    (op.ref ?? undefined) === (request.ref ?? undefined)
  );
}
