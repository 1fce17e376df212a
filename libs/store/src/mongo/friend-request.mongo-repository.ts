import type { Model } from 'mongoose';
import type { FriendRequest, FriendRequestRepository } from '../store.port';
import { retryUpsertRace } from './mongo.errors';
import { assertId, naturalKey } from './mongo.ids';
import type { FriendRequestDoc } from './mongo.models';

const requestKey = (fromId: string, toId: string): string => naturalKey(fromId, toId);
const toRequest = (d: FriendRequestDoc): FriendRequest => ({
  fromId: d.fromId,
  toId: d.toId,
  message: d.message,
  createdAt: d.createdAt,
});

/** One document per (from, to) pending request; each change is one single-document write. */
export class MongoFriendRequestRepository implements FriendRequestRepository {
  constructor(private readonly requests: Model<FriendRequestDoc>) {}

  async put(request: FriendRequest): Promise<void> {
    assertId(request.fromId, 'fromId');
    assertId(request.toId, 'toId');
    const { fromId, toId, message, createdAt } = request;
    await retryUpsertRace(() =>
      this.requests
        .updateOne(
          { _id: requestKey(fromId, toId) },
          { $set: { message, createdAt }, $setOnInsert: { fromId, toId } },
          { upsert: true },
        )
        .exec(),
    );
  }

  async get(fromId: string, toId: string): Promise<FriendRequest | undefined> {
    assertId(fromId, 'fromId');
    assertId(toId, 'toId');
    const row = await this.requests
      .findOne({ _id: requestKey(fromId, toId) })
      .lean<FriendRequestDoc>()
      .exec();
    return row ? toRequest(row) : undefined;
  }

  async remove(fromId: string, toId: string): Promise<boolean> {
    assertId(fromId, 'fromId');
    assertId(toId, 'toId');
    const result = await this.requests.deleteOne({ _id: requestKey(fromId, toId) }).exec();
    return result.deletedCount > 0;
  }

  async incoming(toId: string): Promise<FriendRequest[]> {
    assertId(toId, 'toId');
    const rows = await this.requests.find({ toId }).sort({ createdAt: 1, fromId: 1 }).lean<FriendRequestDoc[]>().exec();
    return rows.map(toRequest);
  }

  async outgoing(fromId: string): Promise<FriendRequest[]> {
    assertId(fromId, 'fromId');
    const rows = await this.requests.find({ fromId }).sort({ createdAt: 1, toId: 1 }).lean<FriendRequestDoc[]>().exec();
    return rows.map(toRequest);
  }
}
