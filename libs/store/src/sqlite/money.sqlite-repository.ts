import type {
  LedgerEntry,
  LedgerRepository,
  MoneyOp,
  MoneyOpState,
  Collection,
  CollectionRepository,
  CollectionSeat,
  CollectionState,
  RedPacket,
  RedPacketClaim,
  RedPacketRepository,
  RedPacketState,
  Transfer,
  TransferRepository,
  TransferState,
} from '../store.port';
import type { Db } from './sqlite.database';
import { insertOnce, SqliteMoneyRecords } from './sqlite.money-records';

interface EntryRow {
  account_id: string;
  n: number;
  op_id: string;
  delta: number;
  balance: number;
  refused: number;
  at: number;
}
interface OpRow {
  op_id: string;
  kind: string;
  from_account: string;
  to_account: string;
  amount: number;
  state: MoneyOpState;
  created_at: number;
  ref: string | null;
}
interface ClaimRow {
  packet_id: string;
  slot: number;
  user_id: string;
  amount: number;
  at: number;
}

const toEntry = (r: EntryRow): LedgerEntry => ({
  accountId: r.account_id,
  n: r.n,
  opId: r.op_id,
  delta: r.delta,
  balance: r.balance,
  refused: r.refused === 1,
  at: r.at,
});
const toOp = (r: OpRow): MoneyOp => ({
  opId: r.op_id,
  kind: r.kind,
  fromAccount: r.from_account,
  toAccount: r.to_account,
  amount: r.amount,
  state: r.state,
  createdAt: r.created_at,
  ...(r.ref === null ? {} : { ref: r.ref }),
});
const toClaim = (r: ClaimRow): RedPacketClaim => ({
  packetId: r.packet_id,
  slot: r.slot,
  userId: r.user_id,
  amount: r.amount,
  at: r.at,
});

/** The ledger in SQLite: the same insert-only entries and keys as the MongoDB store. */
export class SqliteLedgerRepository implements LedgerRepository {
  constructor(private readonly db: Db) {}

  async head(accountId: string): Promise<LedgerEntry | undefined> {
    const row = this.db
      .prepare<[string], EntryRow>('SELECT * FROM ledger_entries WHERE account_id = ? ORDER BY n DESC LIMIT 1')
      .get(accountId);
    return row === undefined ? undefined : toEntry(row);
  }

  async entry(accountId: string, n: number): Promise<LedgerEntry | undefined> {
    const row = this.db
      .prepare<[string, number], EntryRow>('SELECT * FROM ledger_entries WHERE account_id = ? AND n = ?')
      .get(accountId, n);
    return row === undefined ? undefined : toEntry(row);
  }

  async entryForOp(accountId: string, opId: string): Promise<LedgerEntry | undefined> {
    const row = this.db
      .prepare<[string, string], EntryRow>('SELECT * FROM ledger_entries WHERE account_id = ? AND op_id = ?')
      .get(accountId, opId);
    return row === undefined ? undefined : toEntry(row);
  }

  async insertEntry(e: LedgerEntry): Promise<boolean> {
    return insertOnce(() =>
      this.db
        .prepare(
          'INSERT INTO ledger_entries (account_id, n, op_id, delta, balance, refused, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(e.accountId, e.n, e.opId, e.delta, e.balance, e.refused ? 1 : 0, e.at),
    );
  }

  async insertOp(op: MoneyOp): Promise<boolean> {
    return insertOnce(() =>
      this.db
        .prepare(
          'INSERT INTO money_ops (op_id, kind, from_account, to_account, amount, state, created_at, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(op.opId, op.kind, op.fromAccount, op.toAccount, op.amount, op.state, op.createdAt, op.ref ?? null),
    );
  }

  async op(opId: string): Promise<MoneyOp | undefined> {
    const row = this.db.prepare<[string], OpRow>('SELECT * FROM money_ops WHERE op_id = ?').get(opId);
    return row === undefined ? undefined : toOp(row);
  }

  async finishOp(opId: string, state: 'completed' | 'refused'): Promise<void> {
    this.db.prepare("UPDATE money_ops SET state = ? WHERE op_id = ? AND state = 'pending'").run(state, opId);
  }

  async pendingOps(createdBefore: number, limit: number): Promise<MoneyOp[]> {
    return this.db
      .prepare<[number, number], OpRow>(
        "SELECT * FROM money_ops WHERE state = 'pending' AND created_at <= ? ORDER BY created_at LIMIT ?",
      )
      .all(createdBefore, limit)
      .map(toOp);
  }
}

export class SqliteRedPacketRepository
  extends SqliteMoneyRecords<RedPacket, RedPacketState>
  implements RedPacketRepository
{
  constructor(db: Db) {
    super(db, {
      table: 'red_packets',
      idColumn: 'packet_id',
      idOf: (p) => p.packetId,
      activeStates: ['funding', 'open'],
    });
  }

  async passwordPackets(groupId: string): Promise<RedPacket[]> {
    return this.where(
      "json_extract(body, '$.targetId') = ? AND state IN ('funding', 'open') AND json_extract(body, '$.kind') = 'password'",
      [groupId],
    );
  }

  async claim(c: RedPacketClaim): Promise<boolean> {
    return insertOnce(() =>
      this.db
        .prepare('INSERT INTO red_packet_claims (packet_id, slot, user_id, amount, at) VALUES (?, ?, ?, ?, ?)')
        .run(c.packetId, c.slot, c.userId, c.amount, c.at),
    );
  }

  async claims(packetId: string): Promise<RedPacketClaim[]> {
    return this.db
      .prepare<[string], ClaimRow>('SELECT * FROM red_packet_claims WHERE packet_id = ? ORDER BY slot')
      .all(packetId)
      .map(toClaim);
  }

  async claimOf(packetId: string, userId: string): Promise<RedPacketClaim | undefined> {
    const row = this.db
      .prepare<[string, string], ClaimRow>('SELECT * FROM red_packet_claims WHERE packet_id = ? AND user_id = ?')
      .get(packetId, userId);
    return row === undefined ? undefined : toClaim(row);
  }
}

export class SqliteTransferRepository
  extends SqliteMoneyRecords<Transfer, TransferState>
  implements TransferRepository
{
  constructor(db: Db) {
    super(db, {
      table: 'transfers',
      idColumn: 'transfer_id',
      idOf: (t) => t.transferId,
      activeStates: ['funding', 'pending'],
    });
  }

  /** Sets the state; with `from`, only when the current state is one of those. */
  override async setState(transferId: string, state: TransferState, from?: readonly TransferState[]): Promise<void> {
    if (from === undefined) return super.setState(transferId, state);
    const current = (
      this.db.prepare('SELECT state FROM transfers WHERE transfer_id = ?').get(transferId) as
        { state: TransferState } | undefined
    )?.state;
    if (current !== undefined && from.includes(current))
      this.db
        .prepare('UPDATE transfers SET state = ? WHERE transfer_id = ? AND state = ?')
        .run(state, transferId, current);
  }

  async open(limit: number): Promise<Transfer[]> {
    return this.active(limit);
  }
}

interface SeatRow {
  collection_id: string;
  slot: number;
  payer_id: string;
  attempt: number;
  request_key: string;
  at: number;
}
const toSeat = (r: SeatRow): CollectionSeat => ({
  collectionId: r.collection_id,
  slot: r.slot,
  payerId: r.payer_id,
  attempt: r.attempt,
  requestKey: r.request_key,
  at: r.at,
});

export class SqliteCollectionRepository
  extends SqliteMoneyRecords<Collection, CollectionState>
  implements CollectionRepository
{
  constructor(db: Db) {
    super(db, {
      table: 'collections',
      idColumn: 'collection_id',
      idOf: (c) => c.collectionId,
      activeStates: ['posting', 'open'],
    });
  }

  async takeSeat(s: CollectionSeat): Promise<boolean> {
    return insertOnce(() =>
      this.db
        .prepare(
          'INSERT INTO collection_seats (collection_id, slot, payer_id, attempt, request_key, at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(s.collectionId, s.slot, s.payerId, s.attempt, s.requestKey, s.at),
    );
  }

  async seats(collectionId: string): Promise<CollectionSeat[]> {
    return this.db
      .prepare<[string], SeatRow>('SELECT * FROM collection_seats WHERE collection_id = ? ORDER BY slot')
      .all(collectionId)
      .map(toSeat);
  }
}
