import type { Model, mongo } from 'mongoose';
import { conversationSeed } from './conversation.mongo-seed';
import { retryUpsertRace } from './mongo.errors';
import { driverCollection } from './mongo.models';
import type { ConversationDoc, MessageDoc } from './mongo.models';

/**
 * Hands out seqs from the conversation document's counter: one single-document atomic
 * `$inc` with upsert on MongoDB. The counter is only a fast source of candidates; what makes a
 * seq unique is the unique (conversationId, seq) index on messages, because FerretDB v1 does not
 * apply `findAndModify` atomically (concurrent `$inc`s on one document are lost: 400 concurrent
 * increments returned 39 distinct values in our test), so a candidate may already be taken.
 */
export class MongoSequencer {
  private readonly conversations: mongo.Collection<ConversationDoc>;
  private readonly messages: mongo.Collection<MessageDoc>;

  constructor(conversations: Model<ConversationDoc>, messages: Model<MessageDoc>) {
    this.conversations = driverCollection(conversations);
    this.messages = driverCollection(messages);
  }

  /** The next candidate seq; creates the conversation document on first use. */
  async next(conversationId: string): Promise<number> {
    // FerretDB v1 does not implement a projection on findAndModify: the whole (small) document comes back.
    const doc = await retryUpsertRace(() =>
      this.conversations.findOneAndUpdate(
        { _id: conversationId },
        { $inc: { seq: 1 }, $setOnInsert: conversationSeed(conversationId) },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    if (doc === null) throw new Error(`MongoStore: no seq counter came back for conversation ${conversationId}`);
    return doc.seq;
  }

  /** After a candidate turned out taken: moves the counter up to the highest stored seq. */
  async catchUp(conversationId: string): Promise<void> {
    const top = await this.messages.findOne({ conversationId }, { sort: { seq: -1 }, projection: { _id: 0, seq: 1 } });
    if (top !== null) await this.conversations.updateOne({ _id: conversationId }, { $max: { seq: top.seq } });
  }
}
