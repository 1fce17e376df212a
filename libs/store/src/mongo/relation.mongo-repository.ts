import { trusted } from 'mongoose';
import type { Model, QueryFilter } from 'mongoose';
import type { RelationRepository } from '../store.port';
import { Coalescer } from '@im/common';
import type { ItemResult } from '@im/common';
import { retryUpsertRace } from './mongo.errors';
import { assertId, naturalKey } from './mongo.ids';
import type { BlockDoc, FriendshipDoc } from './mongo.models';

const blockKey = (ownerId: string, blockedId: string): string => naturalKey(ownerId, blockedId);
const friendKey = (userId: string, friendId: string): string => naturalKey(userId, friendId);

function assertPair(a: unknown, b: unknown, names: readonly [string, string]): void {
  assertId(a, names[0]);
  assertId(b, names[1]);
}

/** `field` of every document `filter` matches, in ascending order. */
async function sortedField<D, F extends keyof D & string>(
  model: Model<D>,
  filter: QueryFilter<D>,
  field: F,
): Promise<D[F][]> {
  const rows = await model
    .find(filter, { _id: 0, [field]: 1 })
    .sort({ [field]: 1 })
    .lean<Pick<D, F>[]>()
    .exec();
  return rows.map((r) => r[field]);
}

/**
 * Blacklist (one document per direction that is blocked) and friendships (one document per
 * direction, both written by one unordered bulk write: an interrupted `befriend` is completed by
 * its retry). `isBlocked` runs for every direct message, hence `_id` reads, and the checks that
 * run at the same time are gathered into one `_id: {$in}` read (FerretDB v1 scans the collection
 * for any filter, so one read for many checks is also one scan for many).
 */
export class MongoRelationRepository implements RelationRepository {
  constructor(
    private readonly blocks: Model<BlockDoc>,
    private readonly friendships: Model<FriendshipDoc>,
  ) {}

  private readonly blockChecks = new Coalescer<string, boolean>((keys) => this.blockedAmong(keys), {
    maxBatch: 256,
    maxInFlight: 2,
  });

  async block(ownerId: string, blockedId: string): Promise<void> {
    assertPair(ownerId, blockedId, ['ownerId', 'blockedId']);
    await retryUpsertRace(() =>
      this.blocks
        .updateOne({ _id: blockKey(ownerId, blockedId) }, { $setOnInsert: { ownerId, blockedId } }, { upsert: true })
        .exec(),
    );
  }

  async unblock(ownerId: string, blockedId: string): Promise<void> {
    assertPair(ownerId, blockedId, ['ownerId', 'blockedId']);
    await this.blocks.deleteOne({ _id: blockKey(ownerId, blockedId) }).exec();
  }

  async isBlocked(ownerId: string, blockedId: string): Promise<boolean> {
    assertPair(ownerId, blockedId, ['ownerId', 'blockedId']);
    return this.blockChecks.submit(blockKey(ownerId, blockedId));
  }

  private async blockedAmong(keys: readonly string[]): Promise<ItemResult<boolean>[]> {
    const rows = await this.blocks
      .find({ _id: trusted({ $in: [...new Set(keys)] }) }, { _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    const blocked = new Set(rows.map((r) => r._id));
    return keys.map((k) => ({ ok: true, value: blocked.has(k) }));
  }

  async blocked(ownerId: string): Promise<string[]> {
    assertId(ownerId, 'ownerId');
    return sortedField(this.blocks, { ownerId }, 'blockedId');
  }

  async befriend(a: string, b: string): Promise<void> {
    assertPair(a, b, ['a', 'b']);
    const upsert = (userId: string, friendId: string) => ({
      updateOne: {
        filter: { _id: friendKey(userId, friendId) },
        update: { $setOnInsert: { userId, friendId } },
        upsert: true,
      },
    });
    await retryUpsertRace(() => this.friendships.bulkWrite([upsert(a, b), upsert(b, a)], { ordered: false }));
  }

  async unfriend(a: string, b: string): Promise<void> {
    assertPair(a, b, ['a', 'b']);
    await this.friendships.deleteMany({ _id: trusted({ $in: [friendKey(a, b), friendKey(b, a)] }) }).exec();
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    assertPair(a, b, ['a', 'b']);
    const row = await this.friendships
      .findOne({ _id: friendKey(a, b) }, { _id: 1 })
      .lean()
      .exec();
    return row !== null;
  }

  async friends(userId: string): Promise<string[]> {
    assertId(userId, 'userId');
    return sortedField(this.friendships, { userId }, 'friendId');
  }
}
