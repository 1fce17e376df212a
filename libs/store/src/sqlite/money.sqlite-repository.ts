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

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE');

/** Runs an INSERT; false when a primary or unique key refused it. */
function insertOnce(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error: unknown) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

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

type PacketBody = Omit<RedPacket, 'state'>;

export class SqliteRedPacketRepository implements RedPacketRepository {
  constructor(private readonly db: Db) {}

  async create(packet: RedPacket): Promise<boolean> {
    const { state, ...body } = packet;
    return insertOnce(() =>
      this.db
        .prepare('INSERT INTO red_packets (packet_id, body, state, created_at) VALUES (?, ?, ?, ?)')
        .run(packet.packetId, JSON.stringify(body), state, packet.createdAt),
    );
  }

  async get(packetId: string): Promise<RedPacket | undefined> {
    const row = this.db
      .prepare<[string], { body: string; state: RedPacketState }>(
        'SELECT body, state FROM red_packets WHERE packet_id = ?',
      )
      .get(packetId);
    return row === undefined ? undefined : { ...(JSON.parse(row.body) as PacketBody), state: row.state };
  }

  async setState(packetId: string, state: RedPacketState): Promise<void> {
    this.db.prepare('UPDATE red_packets SET state = ? WHERE packet_id = ?').run(state, packetId);
  }

  async active(limit: number): Promise<RedPacket[]> {
    const rows = this.db
      .prepare<[number], { body: string; state: RedPacketState }>(
        "SELECT body, state FROM red_packets WHERE state IN ('funding', 'open') ORDER BY created_at LIMIT ?",
      )
      .all(limit);
    return rows.map((r) => ({ ...(JSON.parse(r.body) as PacketBody), state: r.state }));
  }

  async passwordPackets(groupId: string): Promise<RedPacket[]> {
    const rows = this.db
      .prepare<[string], { body: string; state: RedPacketState }>(
        "SELECT body, state FROM red_packets WHERE json_extract(body, '$.targetId') = ? AND state IN ('funding', 'open') AND json_extract(body, '$.kind') = 'password' ORDER BY created_at",
      )
      .all(groupId);
    return rows.map((r) => ({ ...(JSON.parse(r.body) as PacketBody), state: r.state }));
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

export class SqliteTransferRepository implements TransferRepository {
  constructor(private readonly db: Db) {}

  async create(transfer: Transfer): Promise<boolean> {
    const { state, ...body } = transfer;
    return insertOnce(() =>
      this.db
        .prepare('INSERT INTO transfers (transfer_id, body, state, created_at) VALUES (?, ?, ?, ?)')
        .run(transfer.transferId, JSON.stringify(body), state, transfer.createdAt),
    );
  }

  async get(transferId: string): Promise<Transfer | undefined> {
    const row = this.db
      .prepare<[string], { body: string; state: TransferState }>(
        'SELECT body, state FROM transfers WHERE transfer_id = ?',
      )
      .get(transferId);
    return row === undefined ? undefined : { ...(JSON.parse(row.body) as Omit<Transfer, 'state'>), state: row.state };
  }

  async setState(transferId: string, state: TransferState, from?: readonly TransferState[]): Promise<void> {
    if (from === undefined) {
      this.db.prepare('UPDATE transfers SET state = ? WHERE transfer_id = ?').run(state, transferId);
      return;
    }
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
    const rows = this.db
      .prepare<[number], { body: string; state: TransferState }>(
        "SELECT body, state FROM transfers WHERE state IN ('funding', 'pending') ORDER BY created_at LIMIT ?",
      )
      .all(limit);
    return rows.map((r) => ({ ...(JSON.parse(r.body) as Omit<Transfer, 'state'>), state: r.state }));
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

export class SqliteCollectionRepository implements CollectionRepository {
  constructor(private readonly db: Db) {}

  async create(c: Collection): Promise<boolean> {
    const { state, ...body } = c;
    return insertOnce(() =>
      this.db
        .prepare('INSERT INTO collections (collection_id, body, state, created_at) VALUES (?, ?, ?, ?)')
        .run(c.collectionId, JSON.stringify(body), state, c.createdAt),
    );
  }

  async get(collectionId: string): Promise<Collection | undefined> {
    const row = this.db
      .prepare<[string], { body: string; state: CollectionState }>(
        'SELECT body, state FROM collections WHERE collection_id = ?',
      )
      .get(collectionId);
    return row === undefined ? undefined : { ...(JSON.parse(row.body) as Omit<Collection, 'state'>), state: row.state };
  }

  async setState(collectionId: string, state: CollectionState): Promise<void> {
    this.db.prepare('UPDATE collections SET state = ? WHERE collection_id = ?').run(state, collectionId);
  }

  async active(limit: number): Promise<Collection[]> {
    const rows = this.db
      .prepare<[number], { body: string; state: CollectionState }>(
        "SELECT body, state FROM collections WHERE state IN ('posting', 'open') ORDER BY created_at LIMIT ?",
      )
      .all(limit);
    return rows.map((r) => ({ ...(JSON.parse(r.body) as Omit<Collection, 'state'>), state: r.state }));
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
