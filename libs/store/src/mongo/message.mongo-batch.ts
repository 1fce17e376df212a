import type { ItemResult, Logger } from '@im/common';
import type { mongo } from 'mongoose';
import type { AppendInput, AppendResult, StoredMessage } from '../store.port';
import { conversationSeed } from './conversation.mongo-seed';
import { bulkUpdateInChunks } from './mongo.bulk';
import { retryUpsertRace, writeErrorsByIndex } from './mongo.errors';
import type { ConversationDoc, MessageDoc } from './mongo.models';
import { appendedMessage, messageKey, toMessageDoc } from './message.mongo-mapping';

/** What became of one document of a batch insert: written, refused as already there, or (the count said so) not written. */
export type InsertResult = 'inserted' | 'duplicate-key' | 'not-written';

/** Rounds of seq reservation a batch goes through before it gives up (more than one only when another writer raced it). */
const MAX_ROUNDS = 20;

/**
 * Appends a whole batch with a few store commands, whatever its size: one seq range per
 * conversation, one `insertMany`, and (only when some documents were refused) one `$in` read.
 *
 * Where the seqs come from: the conversation document's counter, as for a single append, but
 * reserved a range at a time and remembered in this process. The process that consumes a
 * partition of `im.messages` is the only regular writer of its conversations, so it knows each
 * counter; every reservation is one compare-and-set per conversation (`seq: <known top>` →
 * `top + n`), all of a batch in unordered `bulkWrite`s of a few statements each (FerretDB v1
 * hangs on a large one, `mongo.bulk.ts`). A counter moved by anyone else (a notice appended by
 * another service, a previous owner of the partition) makes its compare-and-set miss: then
 * every counter of that batch is re-read and reserved with `$inc`
 * (one `findOneAndUpdate` each). Seqs are reserved before the insert, so a crash leaves a gap,
 * never a repeat, and the counter never lags a stored message; the unique (conversationId, seq)
 * index still decides any race (FerretDB v1 does not apply updates atomically): a refused seq is
 * re-reserved. A message that is already stored (a redelivered record) comes back as the stored
 * copy with `duplicate: true`.
 */
export class MongoBatchAppender {
  /** Per conversation: the counter value this process last reserved up to. */
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

  /** One reservation and one insert for `todo`; returns the indexes that need another round. */
  private async round(
    inputs: readonly AppendInput[],
    todo: readonly number[],
    results: (AppendResult | undefined)[],
  ): Promise<number[]> {
    const seqs = await this.reserve(todo.map((i) => inputs[i]!.conversationId));
    const docs = todo.map((i, k) => toMessageDoc(inputs[i]!, seqs[k]!));
    const outcomes = await this.insertMany(docs);
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
      for (const k of refused) {
        const i = todo[k]!;
        const stored = existing.get(docs[k]!._id);
        if (stored) results[i] = { stored, duplicate: true };
        else {
          // The seq was taken by another writer: our idea of this counter is stale.
          this.tops.delete(inputs[i]!.conversationId);
          again.push(i);
        }
      }
    }
    if (again.length > 0) this.logger?.debug({ messages: again.length }, 'batch append: seqs taken; reserving again');
    return again.sort((a, b) => a - b);
  }

  /** A seq for each entry (a conversation id per message, in order): increasing per conversation. */
  private async reserve(conversationIds: readonly string[]): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const id of conversationIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const tops = await this.reserveRanges(counts);
    const next = new Map([...tops].map(([id, top]) => [id, top - counts.get(id)!]));
    return conversationIds.map((id) => {
      const seq = next.get(id)! + 1;
      next.set(id, seq);
      return seq;
    });
  }

  /** Moves each conversation's counter up by its count; returns the new top of each. */
  private async reserveRanges(counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const unknown = [...counts.keys()].filter((id) => !this.tops.has(id));
    if (unknown.length > 0) {
      const rows = await this.conversations
        .find({ _id: { $in: unknown } }, { projection: { _id: 1, seq: 1 } })
        .toArray();
      const found = new Map(rows.map((r) => [r._id, r.seq]));
      for (const id of unknown) this.tops.set(id, found.get(id) ?? 0);
    }
    const ops = [...counts].map(([_id, n]) => {
      const top = this.tops.get(_id)!;
      return top === 0
        ? {
            updateOne: {
              filter: { _id, seq: 0 },
              update: { $set: { seq: n }, $setOnInsert: conversationSeed(_id) },
              upsert: true,
            },
          }
        : { updateOne: { filter: { _id, seq: top }, update: { $set: { seq: top + n } } } };
    });
    let swapped = false;
    try {
      const r = await bulkUpdateInChunks(ops, (chunk) => this.conversations.bulkWrite(chunk, { ordered: false }));
      swapped = r.matchedCount + r.upsertedCount === ops.length;
    } catch (e) {
      if (writeErrorsByIndex(e) === undefined) {
        for (const id of counts.keys()) this.tops.delete(id);
        throw e;
      }
    }
    if (swapped) {
      const out = new Map<string, number>();
      for (const [id, n] of counts) {
        const top = this.tops.get(id)! + n;
        this.tops.set(id, top);
        out.set(id, top);
      }
      return out;
    }
    // Some counter was moved by another writer (which one, bulkWrite does not say): take each
    // range with `$inc` from wherever the counter is now. Ranges taken by the compare-and-set
    // above are burned (gaps, never repeats).
    this.logger?.debug({ conversations: counts.size }, 'seq counters moved elsewhere; reserving with $inc');
    const out = new Map<string, number>();
    await Promise.all(
      [...counts].map(async ([_id, n]) => {
        const doc = await retryUpsertRace(() =>
          this.conversations.findOneAndUpdate(
            { _id },
            { $inc: { seq: n }, $setOnInsert: conversationSeed(_id) },
            { upsert: true, returnDocument: 'after' },
          ),
        );
        if (doc === null) throw new Error(`MongoStore: no seq counter came back for conversation ${_id}`);
        this.tops.set(_id, doc.seq);
        out.set(_id, doc.seq);
      }),
    );
    return out;
  }
}
