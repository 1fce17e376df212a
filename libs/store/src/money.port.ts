/**
 * Money (docs/money.md). Every amount is an integer count of fen. Nothing here is ever updated
 * in place where money is concerned: an account is a chain of immutable entries, entry n+1
 * computed from entry n, and the two unique keys of an entry — its slot (accountId, n) and its
 * operation (accountId, opId) — are what makes concurrent writers safe without transactions.
 */
export interface LedgerEntry {
  readonly accountId: string;
  /** 1, 2, 3, ... per account: the entry's slot. */
  readonly n: number;
  readonly opId: string;
  /** Signed change of the balance (0 for a refusal). */
  readonly delta: number;
  /** The balance after this entry; never negative for a guarded account. */
  readonly balance: number;
  /** A refused debit: records, once and for all, that the operation did not move money here. */
  readonly refused: boolean;
  readonly at: number;
}

export type MoneyOpState = 'pending' | 'completed' | 'refused';

/** One movement of money from one account to another, keyed by its idempotency key. */
export interface MoneyOp {
  readonly opId: string;
  readonly kind: string;
  readonly fromAccount: string;
  readonly toAccount: string;
  readonly amount: number;
  /** A hint for the recovery sweep; the entries are the truth (see docs/money.md). */
  readonly state: MoneyOpState;
  readonly createdAt: number;
  /** What the operation belongs to (a red packet id, ...). */
  readonly ref?: string;
}

export interface LedgerRepository {
  /** The account's latest entry; undefined when it has none (balance 0). */
  head(accountId: string): Promise<LedgerEntry | undefined>;
  entry(accountId: string, n: number): Promise<LedgerEntry | undefined>;
  /** The entry the operation wrote on this account, if any. */
  entryForOp(accountId: string, opId: string): Promise<LedgerEntry | undefined>;
  /** Inserts the entry; false (nothing written) when its slot or its (account, op) is already taken. */
  insertEntry(entry: LedgerEntry): Promise<boolean>;
  /** Inserts the operation; false (nothing written) when its opId exists. */
  insertOp(op: MoneyOp): Promise<boolean>;
  op(opId: string): Promise<MoneyOp | undefined>;
  /** Moves the hint from pending to a final state (idempotent; never back to pending). */
  finishOp(opId: string, state: 'completed' | 'refused'): Promise<void>;
  /** Pending operations created at or before `createdBefore`, oldest first. */
  pendingOps(createdBefore: number, limit: number): Promise<MoneyOp[]>;
}

/** `password`: a group packet opened by sending its password as a text message in the group (shares drawn as for lucky). */
export type RedPacketKind = 'equal' | 'lucky' | 'password';
/** funding → open → settled, or funding → failed (the sender could not pay). Hints, see docs/money.md. */
export type RedPacketState = 'funding' | 'open' | 'failed' | 'settled';

export interface RedPacket {
  readonly packetId: string;
  readonly senderId: string;
  /** Where it was posted: a user (direct) or a group. */
  readonly targetType: 'user' | 'group';
  readonly targetId: string;
  readonly kind: RedPacketKind;
  readonly total: number;
  /** The amount of every share, fixed at creation; they sum to `total`, each at least 1. */
  readonly shares: readonly number[];
  readonly msg: string;
  readonly state: RedPacketState;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Password packets only: `passwordHash(packetId, password)` (@im/bus); the password itself is never stored. */
  readonly passwordHash?: string;
}

/** Slot `slot` of a packet taken by `userId`; the refund takes the slots left at expiry under `@refund:<slot>`. */
export interface RedPacketClaim {
  readonly packetId: string;
  readonly slot: number;
  readonly userId: string;
  readonly amount: number;
  readonly at: number;
}

/** What the red packet and collection repositories share: a record made once, read by id, moved through its states. */
export interface MoneyRecordRepository<R, S> {
  /** Inserts the record; false (nothing written) when its id exists. */
  create(record: R): Promise<boolean>;
  get(id: string): Promise<R | undefined>;
  setState(id: string, state: S): Promise<void>;
  /** The records still in play (a packet funding or open, a collection posting or open), oldest first. */
  active(limit: number): Promise<R[]>;
}

export interface RedPacketRepository extends MoneyRecordRepository<RedPacket, RedPacketState> {
  /** The group's password packets in state funding or open, oldest first (the chat path's lookup). */
  passwordPackets(groupId: string): Promise<RedPacket[]>;
  /** Takes a slot; false (nothing written) when the slot is taken or the user already holds one. */
  claim(claim: RedPacketClaim): Promise<boolean>;
  /** The taken slots, in slot order. */
  claims(packetId: string): Promise<RedPacketClaim[]>;
  claimOf(packetId: string, userId: string): Promise<RedPacketClaim | undefined>;
}

/** funding → pending → accepted | returned, or funding → failed. Hints; the ledger decides (docs/money.md). */
export type TransferState = 'funding' | 'pending' | 'accepted' | 'returned' | 'failed';

export interface Transfer {
  readonly transferId: string;
  readonly fromId: string;
  readonly toId: string;
  readonly amount: number;
  readonly msg: string;
  readonly state: TransferState;
  readonly createdAt: number;
  /** Unaccepted by then, it returns to the sender by itself. */
  readonly expiresAt: number;
}

export interface TransferRepository {
  /** Inserts the transfer; false (nothing written) when its id exists. */
  create(transfer: Transfer): Promise<boolean>;
  get(transferId: string): Promise<Transfer | undefined>;
  /**
   * Moves the transfer to `state`, only from one of `from` when given: a step that read an older
   * state (the sweep's snapshot, a late duplicate command) must not move a decided transfer back.
   */
  setState(transferId: string, state: TransferState, from?: readonly TransferState[]): Promise<void>;
  /** Transfers in state funding or pending, oldest first. */
  open(limit: number): Promise<Transfer[]>;
}

/** An AA collection (40, paid by up to `count` members) or a payment request (41, one payer). */
export type CollectionKind = 'aa' | 'request';
/** posting → open (40 / 41 posted) → closed (every share paid, or expired). Hints; the seats and the ledger decide. */
export type CollectionState = 'posting' | 'open' | 'closed';

export interface Collection {
  readonly collectionId: string;
  readonly kind: CollectionKind;
  /** Who is paid. */
  readonly collectorId: string;
  /** The conversation it was posted in: a group, or (AA in a 1:1 chat, payment request) the one payer. */
  readonly targetType: 'user' | 'group';
  readonly targetId: string;
  /** What each payer pays, in fen. */
  readonly amount: number;
  /** At most this many payments. */
  readonly count: number;
  readonly totalAmt: number;
  readonly msg: string;
  readonly state: CollectionState;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Seat `slot` of a collection, taken by one payment attempt of `payerId` (its `attempt`-th: the
 * number of that payer's earlier seats whose payment the ledger refused). Paid by money operation
 * `pcp:<collectionId>:<slot>`; `requestKey` is the payer's idempotency key.
 */
export interface CollectionSeat {
  readonly collectionId: string;
  readonly slot: number;
  readonly payerId: string;
  readonly attempt: number;
  readonly requestKey: string;
  readonly at: number;
}

export interface CollectionRepository extends MoneyRecordRepository<Collection, CollectionState> {
  /** Takes a seat; false (nothing written) when the slot is taken or the payer's attempt exists. */
  takeSeat(seat: CollectionSeat): Promise<boolean>;
  /** The seats taken, in slot order. */
  seats(collectionId: string): Promise<CollectionSeat[]>;
}
