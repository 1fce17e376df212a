import { trusted } from 'mongoose';
import type { Model } from 'mongoose';
import type { ProfileChange, UserBan, UserProfile, UserRepository } from '../user.port';
import { nameKey } from '../user.port';
import { isDuplicateKey, retryUpsertRace } from './mongo.errors';
import { assertId, assertIds } from './mongo.ids';
import type { UserBanDoc, UserDoc } from './mongo.models';

const toProfile = (d: UserDoc): UserProfile => ({
  userId: d._id,
  name: d.name,
  avatar: d.avatar,
  signature: d.signature,
  updatedAt: d.updatedAt,
});

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One document per user (`_id` the user id, so every read and write is a point operation) and one per ban. */
export class MongoUserRepository implements UserRepository {
  constructor(
    private readonly users: Model<UserDoc>,
    private readonly bans: Model<UserBanDoc>,
  ) {}

  async ensure(profile: UserProfile): Promise<UserProfile> {
    assertId(profile.userId, 'userId');
    try {
      await this.users.collection.insertOne({
        _id: profile.userId as never,
        name: profile.name,
        nameKey: nameKey(profile.name),
        avatar: profile.avatar,
        signature: profile.signature,
        updatedAt: profile.updatedAt,
      });
      return profile;
    } catch (error: unknown) {
      if (!isDuplicateKey(error)) throw error;
    }
    return (await this.get(profile.userId)) ?? profile;
  }

  async update(userId: string, change: ProfileChange, at: number): Promise<UserProfile> {
    assertId(userId, 'userId');
    const set: Record<string, unknown> = { updatedAt: at };
    const onInsert: Record<string, unknown> = {};
    if (change.name !== undefined) Object.assign(set, { name: change.name, nameKey: nameKey(change.name) });
    else Object.assign(onInsert, { name: userId, nameKey: nameKey(userId) });
    if (change.avatar !== undefined) set.avatar = change.avatar;
    else onInsert.avatar = '';
    if (change.signature !== undefined) set.signature = change.signature;
    else onInsert.signature = '';
    const doc = await retryUpsertRace(() =>
      this.users
        .findOneAndUpdate(
          { _id: userId },
          { $set: set, $setOnInsert: onInsert },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<UserDoc>()
        .exec(),
    );
    if (doc === null) throw new Error(`profile of ${userId} not found after its upsert`);
    return toProfile(doc);
  }

  async get(userId: string): Promise<UserProfile | undefined> {
    assertId(userId, 'userId');
    const doc = await this.users.findOne({ _id: userId }).lean<UserDoc>().exec();
    return doc ? toProfile(doc) : undefined;
  }

  async getMany(userIds: readonly string[]): Promise<UserProfile[]> {
    assertIds(userIds, 'userIds');
    if (userIds.length === 0) return [];
    const unique = [...new Set(userIds)];
    const docs = await this.users
      .find({ _id: trusted({ $in: unique }) })
      .lean<UserDoc[]>()
      .exec();
    const byId = new Map(docs.map((d) => [d._id, toProfile(d)]));
    return unique.flatMap((id) => byId.get(id) ?? []);
  }

  async searchByName(prefix: string, limit: number): Promise<UserProfile[]> {
    if (typeof prefix !== 'string') throw new TypeError('MongoStore: prefix must be a string');
    const docs = await this.users
      .find({ nameKey: trusted({ $regex: `^${escapeRegex(nameKey(prefix))}` }) })
      .sort({ nameKey: 1, _id: 1 })
      .limit(limit)
      .lean<UserDoc[]>()
      .exec();
    return docs.map(toProfile);
  }

  async ban(ban: UserBan): Promise<void> {
    assertId(ban.userId, 'userId');
    await retryUpsertRace(() =>
      this.bans.updateOne({ _id: ban.userId }, { $set: { at: ban.at, reason: ban.reason } }, { upsert: true }).exec(),
    );
  }

  async unban(userId: string): Promise<boolean> {
    assertId(userId, 'userId');
    return (await this.bans.deleteOne({ _id: userId }).exec()).deletedCount > 0;
  }

  async banOf(userId: string): Promise<UserBan | undefined> {
    assertId(userId, 'userId');
    const doc = await this.bans.findOne({ _id: userId }).lean<UserBanDoc>().exec();
    return doc ? { userId: doc._id, at: doc.at, reason: doc.reason } : undefined;
  }
}
