import type { ItemResult, Logger } from '@im/common';
import type { mongo } from 'mongoose';
import type { AppendInput, AppendResult, StoredMessage } from '../store.port';
import { conversationSeed } from './conversation.mongo-seed';
import { bulkUpdateInChunks } from './mongo.bulk';
import { retryUpsertRace } from './mongo.errors';
import type { ConversationDoc, MessageDoc } from './mongo.models';
import { appendedMessage, messageKey, toMessageDoc } from './message.mongo-mapping';

/** What became of one document of a batch insert: written, refused as already there, or (the count said so) not written. */
export type InsertResult = 'inserted' | 'duplicate-key' | 'not-written';

/** Rounds of seq assignment a batch goes through before it gives up (more than one only when another writer raced it). */
const MAX_ROUNDS = 20;

/**
 * Appends a whole batch with a few store commands, whatever its size: one `insertMany`, beside it
 * one `$max` per conversation on its counter, and (only when some documents were refused) one
 * `$in` read.
 *
 * Where the seqs come from: this process. The process that consumes a partition of
 * `im.messages` is the only regular writer of its conversations, so it keeps each conversation's
 * last seq in memory (read from the conversation document's counter the first time) and numbers
 * a batch's messages from it without asking the store. What makes a seq unique is the unique
 * (conversationId, seq) index: a seq taken meanwhile by anyone else (a notice appended by another
 * service, a previous owner of the partition) refuses the document, the counter is read again and
 * the message numbered again. The insert and the counters' advance (`$max` to the batch's last
 * seq, in unordered `bulkWrite`s of a few statements each: FerretDB v1 hangs on a large one,
 * `mongo.bulk.ts`) go side by side, and the batch is delivered only after both, so the counter
 * (which the conversation list and sync read) holds every delivered message. A crash between
 * the two may leave the counter under a stored message that was never delivered; its record is
 * redelivered, comes back as the stored copy (`duplicate: true`), and moves the counter up to it
 * before it is delivered. A failed round burns its seqs (gaps, never repeats).
 */
export class MongoBatchAppender {
  /** Per conversation: the last seq this process gave. */
  private readonly tops = new Map<string, number>();

  constructor(
    private readonly conversations: mongo.Collection<ConversationDoc>,
    private readonly insertMany: (docs: readonly MessageDoc[]) => Promise<ItemResult<InsertResult>[]>,
    private readonly byKeys: (keys: readonly string[]) => Promise<Map<string, StoredMessage>>,
    private readonly logger?: Logger,
  ) {}

  async append(inputs: readonly AppendInput[]): Promise<AppendResult[]> {
    const results = new Array<AppendResult | undefined>(inputs.length);
    // A msgId twice in one batch (a retried send): the first is stored, the others answer with it.
    const firstOf = new Map<string, number>();
    const repeats: [number, number][] = [];
    let todo: number[] = [];
    inputs.forEach((input, i) => {
      const key = messageKey(input.conversationId, input.message.msgId);
      const first = firstOf.get(key);
      if (first === undefined) {
        firstOf.set(key, i);
        todo.push(i);
      } else repeats.push([i, first]);
    });
    for (let round = 1; todo.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new Error(`MongoStore: no free seqs for a batch after ${MAX_ROUNDS} rounds`);
      todo = await this.round(inputs, todo, results);
    }
    for (const [i, first] of repeats) {
      const stored = results[first]?.stored;
      if (stored) results[i] = { stored, duplicate: true };
    }
    return results.map((r) => {
      if (!r) throw new Error('MongoStore: a batch append left a message without an outcome');
      return r;
    });
  }

  /**
   * One round for `todo`: seqs taken in memory, then the insert and the counters' advance side by
   * side; returns the indexes that need another round.
   */
  private async round(
    inputs: readonly AppendInput[],
    todo: readonly number[],
    results: (AppendResult | undefined)[],
  ): Promise<number[]> {
    const conversationIds = todo.map((i) => inputs[i]!.conversationId);
    const seqs = await this.assign(conversationIds);
    const docs = todo.map((i, k) => toMessageDoc(inputs[i]!, seqs[k]!));
    const advanced = new Map<string, number>();
    conversationIds.forEach((id, k) => advanced.set(id, Math.max(advanced.get(id) ?? 0, seqs[k]!)));
    let outcomes: ItemResult<InsertResult>[];
    try {
      [outcomes] = await Promise.all([this.insertMany(docs), this.advance(advanced)]);
    } catch (e) {
      // Which seqs are taken now is unknown: each counter is read again next time.
      for (const id of advanced.keys()) this.tops.delete(id);
      throw e;
    }
    const again: number[] = [];
    const refused: number[] = [];
    outcomes.forEach((o, k) => {
      if (!o.ok) throw o.error;
      const i = todo[k]!;
      if (o.value === 'inserted') results[i] = { stored: appendedMessage(inputs[i]!, seqs[k]!), duplicate: false };
      else if (o.value === 'not-written') again.push(i);
      else refused.push(k);
    });
    if (refused.length > 0) {
      const existing = await this.byKeys(refused.map((k) => docs[k]!._id));
      // A copy stored by an earlier attempt whose counter advance did not happen (a crash between
      // the two): the counter is moved up to it before anything of this batch is delivered.
      const behind = new Map<string, number>();
      for (const k of refused) {
        const i = todo[k]!;
        const id = inputs[i]!.conversationId;
        const stored = existing.get(docs[k]!._id);
        if (stored) {
          results[i] = { stored, duplicate: true };
          if (stored.seq > (advanced.get(id) ?? 0)) behind.set(id, Math.max(behind.get(id) ?? 0, stored.seq));
        } else {
          // The seq was taken by another writer: our idea of this counter is stale.
          this.tops.delete(id);
          again.push(i);
        }
      }
      if (behind.size > 0) {
        await this.advance(behind);
        for (const [id, seq] of behind) if (this.tops.has(id)) this.tops.set(id, Math.max(this.tops.get(id)!, seq));
      }
    }
    if (again.length > 0) this.logger?.debug({ messages: again.length }, 'batch append: seqs taken; assigning again');
    return again.sort((a, b) => a - b);
  }

  /**
   * A seq for each entry (a conversation id per message, in order), increasing per conversation,
   * from the counter value this process last used (read from the conversation document when it
   * has none: the first batch of a conversation, or after a collision or a failure).
   */
  private async assign(conversationIds: readonly string[]): Promise<number[]> {
    const unknown = [...new Set(conversationIds)].filter((id) => !this.tops.has(id));
    if (unknown.length > 0) {
      const rows = await this.conversations
        .find({ _id: { $in: unknown } }, { projection: { _id: 1, seq: 1 } })
        .toArray();
      const found = new Map(rows.map((r) => [r._id, r.seq]));
      for (const id of unknown) this.tops.set(id, found.get(id) ?? 0);
    }
    return conversationIds.map((id) => {
      const seq = this.tops.get(id)! + 1;
      this.tops.set(id, seq);
      return seq;
    });
  }

  /**
   * Moves each conversation's counter up to at least the given seq (`$max`; a new conversation's
   * document is created with its seed), in the chunked bulk writes of `mongo.bulk.ts`. A
   * duplicate-key refusal is two upserts of one new conversation racing: the write is made again.
   */
  private async advance(tops: ReadonlyMap<string, number>): Promise<void> {
    const ops = [...tops].map(([_id, seq]) => ({
      updateOne: {
        filter: { _id },
        update: { $max: { seq }, $setOnInsert: conversationSeed(_id) },
        upsert: true,
      },
    }));
    await retryUpsertRace(() =>
      bulkUpdateInChunks(ops, (chunk) => this.conversations.bulkWrite(chunk, { ordered: false })),
    );
  }
}
