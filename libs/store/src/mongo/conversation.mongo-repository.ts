import { trusted } from 'mongoose';
import type { Model } from 'mongoose';
import type { ConversationRepository, ConversationSummary } from '../store.port';
import { retryUpsertRace } from './mongo.errors';
import { assertId, assertIds, assertSeq, naturalKey } from './mongo.ids';
import { KeyedLanes } from '@im/common';
import type { ConversationDoc, ReadStateDoc } from './mongo.models';

type DirectRow = Pick<ConversationDoc, '_id' | 'members' | 'seq'>;
type SeqRow = Pick<ConversationDoc, '_id' | 'seq'>;

const readStateKey = (userId: string, conversationId: string): string => naturalKey(userId, conversationId);
const groupConversationId = (groupId: string): string => `g:${groupId}`;

function directSummary(row: DirectRow, userId: string): ConversationSummary {
  const [a = '', b = ''] = row.members ?? [];
  return { conversationId: row._id, kind: 'direct', peerId: a === userId ? b : a, maxSeq: row.seq };
}

export class MongoConversationRepository implements ConversationRepository {
  private readonly readLanes = new KeyedLanes();

  constructor(
    private readonly conversations: Model<ConversationDoc>,
    private readonly readStates: Model<ReadStateDoc>,
  ) {}

  async listForUser(userId: string, groupIds: readonly string[]): Promise<ConversationSummary[]> {
    assertId(userId, 'userId');
    assertIds(groupIds, 'groupIds');
    const [direct, groupSeqs] = await Promise.all([this.directOf(userId), this.groupSeqs(groupIds)]);
    const groups = groupIds.map((groupId): ConversationSummary => {
      const conversationId = groupConversationId(groupId);
      return { conversationId, kind: 'group', groupId, maxSeq: groupSeqs.get(conversationId) ?? 0 };
    });
    return [...direct.map((row) => directSummary(row, userId)), ...groups];
  }

  async maxSeq(conversationId: string): Promise<number> {
    assertId(conversationId, 'conversationId');
    const row = await this.conversations
      .findOne({ _id: conversationId }, { _id: 0, seq: 1 })
      .lean<Pick<ConversationDoc, 'seq'>>()
      .exec();
    return row?.seq ?? 0;
  }

  /**
   * `$max` with upsert: one single-document write, so the mark never moves back (atomic on
   * MongoDB; on FerretDB v1 only writes queued in this process are safe from each other).
   */
  async setReadSeq(userId: string, conversationId: string, seq: number): Promise<number> {
    assertId(userId, 'userId');
    assertId(conversationId, 'conversationId');
    assertSeq(seq, 'seq');
    const _id = readStateKey(userId, conversationId);
    const update = { $max: { readSeq: seq }, $setOnInsert: { userId, conversationId } };
    const write = () =>
      this.readStates
        .findOneAndUpdate({ _id }, update, { upsert: true, returnDocument: 'after' })
        .lean<ReadStateDoc>()
        .exec();
    const row = await this.readLanes.run(_id, () => retryUpsertRace(write));
    return row?.readSeq ?? seq;
  }

  async readSeqs(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    assertId(userId, 'userId');
    assertIds(conversationIds, 'conversationIds');
    if (conversationIds.length === 0) return new Map();
    const keys = conversationIds.map((c) => readStateKey(userId, c));
    const rows = await this.readStates
      .find({ _id: trusted({ $in: keys }) }, { _id: 0, conversationId: 1, readSeq: 1 })
      .lean<Pick<ReadStateDoc, 'conversationId' | 'readSeq'>[]>()
      .exec();
    return new Map(rows.map((r) => [r.conversationId, r.readSeq]));
  }

  /** One `$in` query on `_id` for all the entries. */
  async readSeqsOf(
    entries: readonly { readonly conversationId: string; readonly userId: string }[],
  ): Promise<Map<string, number>> {
    entries.forEach((e, i) => {
      assertId(e.userId, `entries[${i}].userId`);
      assertId(e.conversationId, `entries[${i}].conversationId`);
    });
    if (entries.length === 0) return new Map();
    const keys = entries.map((e) => readStateKey(e.userId, e.conversationId));
    const rows = await this.readStates
      .find({ _id: trusted({ $in: keys }) }, { _id: 0, conversationId: 1, readSeq: 1 })
      .lean<Pick<ReadStateDoc, 'conversationId' | 'readSeq'>[]>()
      .exec();
    return new Map(rows.map((r) => [r.conversationId, r.readSeq]));
  }

  /** One single-document upsert; the read mark is left as it is. */
  async setMuted(userId: string, conversationId: string, muted: boolean): Promise<void> {
    assertId(userId, 'userId');
    assertId(conversationId, 'conversationId');
    const _id = readStateKey(userId, conversationId);
    const update = { $set: { muted }, $setOnInsert: { userId, conversationId, readSeq: 0 } };
    await this.readLanes.run(_id, () =>
      retryUpsertRace(() => this.readStates.updateOne({ _id }, update, { upsert: true }).exec()),
    );
  }

  async mutedAmong(conversationId: string, userIds: readonly string[]): Promise<Set<string>> {
    assertId(conversationId, 'conversationId');
    assertIds(userIds, 'userIds');
    if (userIds.length === 0) return new Set();
    const keys = userIds.map((u) => readStateKey(u, conversationId));
    const rows = await this.readStates
      .find({ _id: trusted({ $in: keys }), muted: true }, { _id: 0, userId: 1 })
      .lean<Pick<ReadStateDoc, 'userId'>[]>()
      .exec();
    return new Set(rows.map((r) => r.userId));
  }

  async mutedOf(userId: string): Promise<string[]> {
    assertId(userId, 'userId');
    const rows = await this.readStates
      .find({ userId, muted: true }, { _id: 0, conversationId: 1 })
      .lean<Pick<ReadStateDoc, 'conversationId'>[]>()
      .exec();
    return rows.map((r) => r.conversationId).sort();
  }

  private directOf(userId: string): Promise<DirectRow[]> {
    return this.conversations
      .find({ members: userId, kind: 'direct' }, { _id: 1, members: 1, seq: 1 })
      .lean<DirectRow[]>()
      .exec();
  }

  private async groupSeqs(groupIds: readonly string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    const ids = groupIds.map(groupConversationId);
    const rows = await this.conversations
      .find({ _id: trusted({ $in: ids }) }, { _id: 1, seq: 1 })
      .lean<SeqRow[]>()
      .exec();
    return new Map(rows.map((r) => [r._id, r.seq]));
  }
}
