import { trusted } from 'mongoose';
import type { Model } from 'mongoose';
import type { CursorAdvance, CursorRepository } from '../store.port';
import { bulkUpdateInChunks } from './mongo.bulk';
import { retryUpsertRace } from './mongo.errors';
import { assertId, assertIds, assertSeq, naturalKey } from './mongo.ids';
import { KeyedLanes } from '@im/common';
import type { CursorDoc } from './mongo.models';

const cursorKey = (userId: string, deviceId: string, conversationId: string): string =>
  naturalKey(userId, deviceId, conversationId);

/** Device cursors: written on every acknowledged downlink, so one `_id` upsert each. */
export class MongoCursorRepository implements CursorRepository {
  private readonly lanes = new KeyedLanes();

  constructor(private readonly cursors: Model<CursorDoc>) {}

  /**
   * `$max` with upsert: forward only, one single-document write (atomic on MongoDB; on FerretDB
   * v1 only writes queued in this process are safe, and one device's acks reach one gateway).
   */
  async advance(userId: string, deviceId: string, conversationId: string, seq: number): Promise<void> {
    assertId(userId, 'userId');
    assertId(deviceId, 'deviceId');
    assertId(conversationId, 'conversationId');
    assertSeq(seq, 'seq');
    const _id = cursorKey(userId, deviceId, conversationId);
    const update = { $max: { ackedSeq: seq }, $setOnInsert: { userId, deviceId, conversationId } };
    await this.lanes.run(_id, () =>
      retryUpsertRace(() => this.cursors.updateOne({ _id }, update, { upsert: true }).exec()),
    );
  }

  /**
   * Unordered `bulkWrite`s of `$max` upserts, a few statements per command (`mongo.bulk.ts`:
   * FerretDB v1 hangs on a large one). One gateway writes a device's cursors (its acks reach
   * that gateway), one flush at a time, so no two writes of one cursor race here.
   */
  async advanceMany(cursors: readonly CursorAdvance[]): Promise<void> {
    for (const c of cursors) {
      assertId(c.userId, 'userId');
      assertId(c.deviceId, 'deviceId');
      assertId(c.conversationId, 'conversationId');
      assertSeq(c.seq, 'seq');
    }
    if (cursors.length === 0) return;
    const ops = cursors.map(({ userId, deviceId, conversationId, seq }) => ({
      updateOne: {
        filter: { _id: cursorKey(userId, deviceId, conversationId) },
        update: { $max: { ackedSeq: seq }, $setOnInsert: { userId, deviceId, conversationId } },
        upsert: true,
      },
    }));
    await retryUpsertRace(() => bulkUpdateInChunks(ops, (chunk) => this.cursors.bulkWrite(chunk, { ordered: false })));
  }

  async get(userId: string, deviceId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    assertId(userId, 'userId');
    assertId(deviceId, 'deviceId');
    assertIds(conversationIds, 'conversationIds');
    if (conversationIds.length === 0) return new Map();
    const keys = conversationIds.map((c) => cursorKey(userId, deviceId, c));
    const rows = await this.cursors
      .find({ _id: trusted({ $in: keys }) }, { _id: 0, conversationId: 1, ackedSeq: 1 })
      .lean<Pick<CursorDoc, 'conversationId' | 'ackedSeq'>[]>()
      .exec();
    return new Map(rows.map((r) => [r.conversationId, r.ackedSeq]));
  }
}
