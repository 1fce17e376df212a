import type { Model, mongo } from 'mongoose';
import type {
  Collection,
  CollectionRepository,
  CollectionSeat,
  CollectionState,
  LedgerEntry,
  LedgerRepository,
  MoneyOp,
  RedPacket,
  RedPacketClaim,
  RedPacketRepository,
  RedPacketState,
  Transfer,
  TransferRepository,
  TransferState,
} from '../store.port';
import { retryUpsertRace } from './mongo.errors';
import { assertId, assertSeq, naturalKey } from './mongo.ids';
import { driverCollection } from './mongo.models';
import { insertOnce, MongoMoneyRecords } from './mongo.money-records';
import type {
  CollectionDoc,
  CollectionSeatDoc,
  LedgerEntryDoc,
  LedgerHeadDoc,
  MoneyOpDoc,
  RedPacketClaimDoc,
  RedPacketDoc,
  TransferDoc,
} from './mongo.money-models';

const entryKey = (accountId: string, n: number): string => naturalKey(accountId, String(n));
const toEntry = (d: LedgerEntryDoc): LedgerEntry => ({
  accountId: d.accountId,
  n: d.n,
  opId: d.opId,
  delta: d.delta,
  balance: d.balance,
  refused: d.refused,
  at: d.at,
});
const toOp = (d: MoneyOpDoc): MoneyOp => ({
  opId: d._id,
  kind: d.kind,
  fromAccount: d.fromAccount,
  toAccount: d.toAccount,
  amount: d.amount,
  state: d.state,
  createdAt: d.createdAt,
  ...(typeof d.ref === 'string' ? { ref: d.ref } : {}),
});
const toPacket = (d: RedPacketDoc): RedPacket => ({
  packetId: d._id,
  senderId: d.senderId,
  targetType: d.targetType,
  targetId: d.targetId,
  kind: d.kind,
  total: d.total,
  shares: d.shares,
  msg: d.msg,
  state: d.state,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  ...(typeof d.passwordHash === 'string' ? { passwordHash: d.passwordHash } : {}),
});
const toClaim = (d: RedPacketClaimDoc): RedPacketClaim => ({
  packetId: d.packetId,
  slot: d.slot,
  userId: d.userId,
  amount: d.amount,
  at: d.at,
});

/**
 * The ledger on MongoDB / FerretDB v1. Only inserts touch money: FerretDB v1 applies an update
 * as read-modify-write without a lock (libs/common/src/keyed-lanes.ts), but it does enforce unique keys
 * on insert. An account's head is found by point reads (`_id` is pushed down to the backend)
 * from a hint that is never ahead of the entries.
 */
export class MongoLedgerRepository implements LedgerRepository {
  private readonly entries: mongo.Collection<LedgerEntryDoc>;
  private readonly heads: mongo.Collection<LedgerHeadDoc>;
  private readonly ops: mongo.Collection<MoneyOpDoc>;

  constructor(entries: Model<LedgerEntryDoc>, heads: Model<LedgerHeadDoc>, ops: Model<MoneyOpDoc>) {
    this.entries = driverCollection(entries);
    this.heads = driverCollection(heads);
    this.ops = driverCollection(ops);
  }

  async head(accountId: string): Promise<LedgerEntry | undefined> {
    assertId(accountId, 'accountId');
    const hint = await this.heads.findOne({ _id: accountId });
    let n = hint?.n ?? 0;
    let head: LedgerEntryDoc | null = n > 0 ? await this.entries.findOne({ _id: entryKey(accountId, n) }) : null;
    for (;;) {
      const next = await this.entries.findOne({ _id: entryKey(accountId, n + 1) });
      if (next === null) break;
      head = next;
      n += 1;
    }
    if (head !== null && n > (hint?.n ?? 0)) await this.moveHint(accountId, n);
    return head === null ? undefined : toEntry(head);
  }

  async entry(accountId: string, n: number): Promise<LedgerEntry | undefined> {
    assertId(accountId, 'accountId');
    assertSeq(n, 'n');
    const doc = await this.entries.findOne({ _id: entryKey(accountId, n) });
    return doc === null ? undefined : toEntry(doc);
  }

  async entryForOp(accountId: string, opId: string): Promise<LedgerEntry | undefined> {
    assertId(accountId, 'accountId');
    assertId(opId, 'opId');
    const doc = await this.entries.findOne({ opKey: naturalKey(accountId, opId) });
    return doc === null ? undefined : toEntry(doc);
  }

  async insertEntry(e: LedgerEntry): Promise<boolean> {
    assertId(e.accountId, 'accountId');
    assertId(e.opId, 'opId');
    assertSeq(e.n, 'n');
    const doc: LedgerEntryDoc = { _id: entryKey(e.accountId, e.n), opKey: naturalKey(e.accountId, e.opId), ...e };
    const inserted = await insertOnce(() => this.entries.insertOne(doc));
    if (inserted) await this.moveHint(e.accountId, e.n);
    return inserted;
  }

  async insertOp(op: MoneyOp): Promise<boolean> {
    assertId(op.opId, 'opId');
    const { opId, ...rest } = op;
    return insertOnce(() => this.ops.insertOne({ _id: opId, ...rest }));
  }

  async op(opId: string): Promise<MoneyOp | undefined> {
    assertId(opId, 'opId');
    const doc = await this.ops.findOne({ _id: opId });
    return doc === null ? undefined : toOp(doc);
  }

  async finishOp(opId: string, state: 'completed' | 'refused'): Promise<void> {
    assertId(opId, 'opId');
    await this.ops.updateOne({ _id: opId, state: 'pending' }, { $set: { state } });
  }

  async pendingOps(createdBefore: number, limit: number): Promise<MoneyOp[]> {
    const docs = await this.ops
      .find({ state: 'pending', createdAt: { $lte: createdBefore } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toOp);
  }

  /** Raises the hint (a lost update on FerretDB only leaves it lower: still a valid hint). */
  private async moveHint(accountId: string, n: number): Promise<void> {
    await retryUpsertRace(() => this.heads.updateOne({ _id: accountId }, { $max: { n } }, { upsert: true }));
  }
}

export class MongoRedPacketRepository
  extends MongoMoneyRecords<RedPacket, RedPacketState, RedPacketDoc>
  implements RedPacketRepository
{
  private readonly claimDocs: mongo.Collection<RedPacketClaimDoc>;

  constructor(packets: Model<RedPacketDoc>, claims: Model<RedPacketClaimDoc>) {
    super(driverCollection(packets), {
      idName: 'packetId',
      ids: (p) => [
        [p.packetId, 'packetId'],
        [p.senderId, 'senderId'],
      ],
      toDoc: ({ packetId, shares, ...rest }) => ({ _id: packetId, shares: [...shares], ...rest }),
      toRecord: toPacket,
      activeStates: ['funding', 'open'],
    });
    this.claimDocs = driverCollection(claims);
  }

  async passwordPackets(groupId: string): Promise<RedPacket[]> {
    assertId(groupId, 'groupId');
    return this.find({ targetId: groupId, kind: 'password', state: { $in: ['funding', 'open'] } });
  }

  async claim(c: RedPacketClaim): Promise<boolean> {
    assertId(c.packetId, 'packetId');
    assertId(c.userId, 'userId');
    assertSeq(c.slot, 'slot');
    const doc: RedPacketClaimDoc = {
      _id: naturalKey(c.packetId, String(c.slot)),
      userKey: naturalKey(c.packetId, c.userId),
      ...c,
    };
    return insertOnce(() => this.claimDocs.insertOne(doc));
  }

  async claims(packetId: string): Promise<RedPacketClaim[]> {
    assertId(packetId, 'packetId');
    const docs = await this.claimDocs.find({ packetId }).sort({ slot: 1 }).toArray();
    return docs.map(toClaim);
  }

  async claimOf(packetId: string, userId: string): Promise<RedPacketClaim | undefined> {
    assertId(packetId, 'packetId');
    assertId(userId, 'userId');
    const doc = await this.claimDocs.findOne({ userKey: naturalKey(packetId, userId) });
    return doc === null ? undefined : toClaim(doc);
  }
}

const toTransfer = (d: TransferDoc): Transfer => ({
  transferId: d._id,
  fromId: d.fromId,
  toId: d.toId,
  amount: d.amount,
  msg: d.msg,
  state: d.state,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
});

export class MongoTransferRepository
  extends MongoMoneyRecords<Transfer, TransferState, TransferDoc>
  implements TransferRepository
{
  constructor(transfers: Model<TransferDoc>) {
    super(driverCollection(transfers), {
      idName: 'transferId',
      ids: (t) => [
        [t.transferId, 'transferId'],
        [t.fromId, 'fromId'],
        [t.toId, 'toId'],
      ],
      toDoc: ({ transferId, ...rest }) => ({ _id: transferId, ...rest }),
      toRecord: toTransfer,
      activeStates: ['funding', 'pending'],
    });
  }

  /** Sets the state; with `from`, only when the current state is one of those. */
  override async setState(transferId: string, state: TransferState, from?: readonly TransferState[]): Promise<void> {
    if (from === undefined) return super.setState(transferId, state);
    assertId(transferId, 'transferId');
    await this.docs.updateOne({ _id: transferId, state: { $in: [...from] } }, { $set: { state } });
  }

  async open(limit: number): Promise<Transfer[]> {
    return this.active(limit);
  }
}

const toCollection = (d: CollectionDoc): Collection => ({
  collectionId: d._id,
  kind: d.kind,
  collectorId: d.collectorId,
  targetType: d.targetType,
  targetId: d.targetId,
  amount: d.amount,
  count: d.count,
  totalAmt: d.totalAmt,
  msg: d.msg,
  state: d.state,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
});
const toSeat = (d: CollectionSeatDoc): CollectionSeat => ({
  collectionId: d.collectionId,
  slot: d.slot,
  payerId: d.payerId,
  attempt: d.attempt,
  requestKey: d.requestKey,
  at: d.at,
});

export class MongoCollectionRepository
  extends MongoMoneyRecords<Collection, CollectionState, CollectionDoc>
  implements CollectionRepository
{
  private readonly seatDocs: mongo.Collection<CollectionSeatDoc>;

  constructor(collections: Model<CollectionDoc>, seats: Model<CollectionSeatDoc>) {
    super(driverCollection(collections), {
      idName: 'collectionId',
      ids: (c) => [
        [c.collectionId, 'collectionId'],
        [c.collectorId, 'collectorId'],
        [c.targetId, 'targetId'],
      ],
      toDoc: ({ collectionId, ...rest }) => ({ _id: collectionId, ...rest }),
      toRecord: toCollection,
      activeStates: ['posting', 'open'],
    });
    this.seatDocs = driverCollection(seats);
  }

  async takeSeat(s: CollectionSeat): Promise<boolean> {
    assertId(s.collectionId, 'collectionId');
    assertId(s.payerId, 'payerId');
    assertSeq(s.slot, 'slot');
    const doc: CollectionSeatDoc = {
      _id: naturalKey(s.collectionId, String(s.slot)),
      payerKey: naturalKey(s.collectionId, s.payerId, String(s.attempt)),
      ...s,
    };
    return insertOnce(() => this.seatDocs.insertOne(doc));
  }

  async seats(collectionId: string): Promise<CollectionSeat[]> {
    assertId(collectionId, 'collectionId');
    const docs = await this.seatDocs.find({ collectionId }).sort({ slot: 1 }).toArray();
    return docs.map(toSeat);
  }
}
