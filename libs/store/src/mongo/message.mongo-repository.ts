import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@im/common';
import { trusted } from 'mongoose';
import type { Model, mongo } from 'mongoose';
import type { AppendInput, AppendResult, MessageRepository, RangeQuery, StoredMessage } from '../store.port';
import { MongoSequencer } from './conversation.mongo-sequencer';
import { Coalescer, KeyedLanes } from '@im/common';
import type { ItemResult } from '@im/common';
import { isDuplicateKey, writeErrorsByIndex } from './mongo.errors';
import { assertId, assertSeq } from './mongo.ids';
import { driverCollection } from './mongo.models';
import type { ConversationDoc, MessageDoc } from './mongo.models';
import {
  appendedMessage,
  MESSAGE_READ_PROJECTION,
  messageKey,
  toMessageDoc,
  toStoredMessage,
} from './message.mongo-mapping';
import type { MessageRow } from './message.mongo-mapping';

/** Seq candidates tried before an append gives up (only FerretDB under contention needs more than one). */
const MAX_SEQ_ATTEMPTS = 50;

type InsertOutcome = AppendResult | 'seq-taken';

/** What became of one document of a batch insert: written, refused as already there, or (the count said so) not written. */
type InsertResult = 'inserted' | 'duplicate-key' | 'not-written';

/** Inserts gathered into one `insertMany` at most; two such batches may run at once. */
const INSERT_BATCH = { maxBatch: 256, maxInFlight: 2 } as const;

function assertAppend(input: AppendInput): void {
  assertId(input.conversationId, 'conversationId');
  assertId(input.message.msgId, 'msgId');
  assertId(input.message.fromId, 'fromId');
  if (input.senderDeviceId !== undefined) assertId(input.senderDeviceId, 'senderDeviceId');
}

/**
 * Messages without transactions. Appends to one conversation queue in this process (KeyedLanes);
 * an append is (1) a seq from the conversation counter and (2) one insert whose `_id` is
 * (conversationId, msgId). Inserting first, instead of looking the msgId up first, saves a round
 * trip on every new message; a retry pays with one burned seq. The unique
 * indexes decide every race: E11000 means either this msgId is already stored (a concurrent or
 * retried append: return that copy as a duplicate) or the seq is taken (FerretDB's non-atomic
 * counter: catch the counter up and take another). A seq burned by a lost race leaves a gap,
 * never a repeat. The inserts of appends to different conversations that run at the same time
 * (the message service handles many conversations side by side) are gathered into one unordered
 * `insertMany` (a Coalescer): on FerretDB one `insertMany` of 200 documents took 14 ms where 200
 * `insertOne`s took 152 ms; each document still gets its own outcome (its own E11000).
 */
export class MongoMessageRepository implements MessageRepository {
  private readonly collection: mongo.Collection<MessageDoc>;
  private readonly sequencer: MongoSequencer;
  private readonly lanes = new KeyedLanes();
  private readonly inserts = new Coalescer<MessageDoc, InsertResult>((docs) => this.insertMany(docs), INSERT_BATCH);

  constructor(
    private readonly model: Model<MessageDoc>,
    conversations: Model<ConversationDoc>,
    private readonly logger?: Logger,
  ) {
    this.collection = driverCollection(model);
    this.sequencer = new MongoSequencer(conversations, model);
  }

  async append(input: AppendInput): Promise<AppendResult> {
    assertAppend(input);
    return this.lanes.run(input.conversationId, () => this.appendNow(input));
  }

  async findByMsgId(conversationId: string, msgId: string): Promise<StoredMessage | undefined> {
    assertId(conversationId, 'conversationId');
    assertId(msgId, 'msgId');
    return this.byKey(messageKey(conversationId, msgId));
  }

  async range(conversationId: string, q: RangeQuery): Promise<StoredMessage[]> {
    assertId(conversationId, 'conversationId');
    assertSeq(q.limit, 'limit');
    if (q.afterSeq !== undefined) assertSeq(q.afterSeq, 'afterSeq');
    if (q.beforeSeq !== undefined) assertSeq(q.beforeSeq, 'beforeSeq');
    if (q.limit === 0) return [];
    const seq = trusted({ $gt: q.afterSeq ?? 0, $lt: q.beforeSeq ?? Number.MAX_SAFE_INTEGER });
    const newest = q.from === 'newest';
    const rows = await this.model
      .find({ conversationId, seq }, MESSAGE_READ_PROJECTION)
      .sort({ seq: newest ? -1 : 1 })
      .limit(q.limit)
      .lean<MessageRow[]>()
      .exec();
    if (newest) rows.reverse();
    return rows.map(toStoredMessage);
  }

  /**
   * One `$or` of exact (conversationId, seq) matches per 100 conversations (the unique index
   * answers each); a conversation whose top seq holds no message (a seq left unused by a crash)
   * falls back to its newest message below it.
   */
  async lastOf(
    conversations: readonly { conversationId: string; maxSeq: number }[],
  ): Promise<Map<string, StoredMessage>> {
    const out = new Map<string, StoredMessage>();
    const wanted = conversations.filter((c) => c.maxSeq > 0);
    for (const c of wanted) {
      assertId(c.conversationId, 'conversationId');
      assertSeq(c.maxSeq, 'maxSeq');
    }
    for (let i = 0; i < wanted.length; i += 100) {
      const clauses = wanted.slice(i, i + 100).map((c) => ({ conversationId: c.conversationId, seq: c.maxSeq }));
      const rows = await this.model
        .find(trusted({ $or: clauses }), MESSAGE_READ_PROJECTION)
        .lean<MessageRow[]>()
        .exec();
      for (const row of rows) out.set(row.conversationId, toStoredMessage(row));
    }
    for (const c of wanted) {
      if (out.has(c.conversationId)) continue;
      const [newest] = await this.range(c.conversationId, { beforeSeq: c.maxSeq + 1, limit: 1, from: 'newest' });
      if (newest) out.set(c.conversationId, newest);
    }
    return out;
  }

  async markRecalled(conversationId: string, msgId: string): Promise<boolean> {
    assertId(conversationId, 'conversationId');
    assertId(msgId, 'msgId');
    const r = await this.model
      .updateOne({ _id: messageKey(conversationId, msgId) }, { $set: { recalled: true } })
      .exec();
    return r.matchedCount > 0;
  }

  async countUnread(
    conversationId: string,
    afterSeq: number,
    userId: string,
    unreadTypes: readonly number[],
  ): Promise<number> {
    assertId(conversationId, 'conversationId');
    assertId(userId, 'userId');
    assertSeq(afterSeq, 'afterSeq');
    unreadTypes.forEach((t) => assertSeq(t, 'unreadTypes[]'));
    if (unreadTypes.length === 0) return 0;
    return this.model
      .countDocuments({
        conversationId,
        seq: trusted({ $gt: afterSeq }),
        fromId: trusted({ $ne: userId }),
        recalled: false,
        messageType: trusted({ $in: [...unreadTypes] }),
      })
      .exec();
  }

  private async appendNow(input: AppendInput): Promise<AppendResult> {
    for (let attempt = 1; attempt <= MAX_SEQ_ATTEMPTS; attempt += 1) {
      const outcome = await this.insertWithSeq(input, await this.sequencer.next(input.conversationId));
      if (outcome !== 'seq-taken') return outcome;
      this.logger?.debug(
        { conversationId: input.conversationId, attempt },
        'seq already taken; catching the counter up',
      );
      await this.sequencer.catchUp(input.conversationId);
      await sleep(Math.random() * attempt);
    }
    throw new Error(
      `MongoStore: no free seq for conversation ${input.conversationId} after ${MAX_SEQ_ATTEMPTS} attempts`,
    );
  }

  private async byKey(key: string): Promise<StoredMessage | undefined> {
    const row = await this.collection.findOne<MessageRow>({ _id: key }, { projection: MESSAGE_READ_PROJECTION });
    return row === null ? undefined : toStoredMessage(row);
  }

  private async insertWithSeq(input: AppendInput, seq: number): Promise<InsertOutcome> {
    const doc = toMessageDoc(input, seq);
    const result = await this.inserts.submit(doc);
    if (result === 'inserted') return { stored: appendedMessage(input, seq), duplicate: false };
    // Not written: take another seq (this one is burned, a gap, never a repeat).
    if (result === 'not-written') return 'seq-taken';
    const existing = await this.byKey(doc._id);
    return existing === undefined ? 'seq-taken' : { stored: existing, duplicate: true };
  }

  /**
   * One unordered insert of a batch; per document: written, refused by a unique index, or its own
   * error. A document counts as written only when the server's answer leaves no doubt: when it
   * reports write errors, or a count of inserted documents that does not add up, the documents
   * it calls written are read back (row 5 of the fault matrix once saw a message delivered and
   * then missing from history; this rules out the insert's outcome as the cause).
   */
  private async insertMany(docs: readonly MessageDoc[]): Promise<ItemResult<InsertResult>[]> {
    let failed: Map<number, unknown>;
    let insertedCount: number | undefined;
    try {
      insertedCount = (await this.collection.insertMany([...docs], { ordered: false })).insertedCount;
      failed = new Map();
    } catch (error: unknown) {
      const byIndex = writeErrorsByIndex(error);
      if (byIndex === undefined) throw error;
      failed = byIndex;
      insertedCount = (error as { result?: { insertedCount?: unknown } }).result?.insertedCount as number | undefined;
    }
    // A batch with write errors (repeats after a retry, an outage) is read back too: which
    // documents the errors belong to is the server's word (its `index`), and a misplaced one
    // would make another document look written.
    const countAddsUp = insertedCount === docs.length - failed.size;
    if (!countAddsUp)
      this.logger?.warn(
        { documents: docs.length, writeErrors: failed.size, insertedCount },
        'insertMany count does not add up; reading the batch back',
      );
    const unsure = !countAddsUp || failed.size > 0;
    const confirmed = unsure ? await this.writtenAmong(docs.filter((_, i) => !failed.has(i))) : undefined;
    return docs.map((doc, i): ItemResult<InsertResult> => {
      const w = failed.get(i);
      if (w !== undefined) {
        return isDuplicateKey(w)
          ? { ok: true, value: 'duplicate-key' }
          : {
              ok: false,
              error: Object.assign(
                new Error(`MongoStore: insert failed: ${String((w as { errmsg?: unknown }).errmsg)}`),
                { cause: w },
              ),
            };
      }
      if (!confirmed) return { ok: true, value: 'inserted' };
      const seq = confirmed.get(doc._id);
      if (seq === doc.seq) return { ok: true, value: 'inserted' };
      // Stored by an earlier attempt under another seq: the caller reads that copy back.
      if (seq !== undefined) return { ok: true, value: 'duplicate-key' };
      return { ok: true, value: 'not-written' };
    });
  }

  /** The seq stored under each of these documents' `_id`s, for those that are stored. */
  private async writtenAmong(docs: readonly MessageDoc[]): Promise<Map<string, number>> {
    if (docs.length === 0) return new Map();
    const rows = await this.collection
      .find({ _id: { $in: docs.map((d) => d._id) } }, { projection: { _id: 1, seq: 1 } })
      .toArray();
    return new Map(rows.map((r) => [r._id, r.seq]));
  }
}
