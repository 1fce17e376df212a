import type { ImMessage } from '@im/protocol';
import type { AppendInput, AppendResult, StoredMessage } from '../store.port';
import type { Statement } from 'better-sqlite3';
import type { Db } from './sqlite.database';

/** Thrown inside the batch's savepoint when some message was already stored: the batch is redone one by one. */
const ALREADY_STORED = new Error('a message of the batch is already stored');

export interface ConversationColumns {
  readonly kind: string;
  readonly a: string | null;
  readonly b: string | null;
  readonly g: string | null;
}

/**
 * Appends a batch with two statements, whatever its size: one upsert moves the counter of every
 * conversation of the batch up by its number of messages (`json_each` over one JSON parameter),
 * one insert writes every message. Both run in a savepoint of the caller's transaction. When the
 * insert wrote fewer rows than it was given, some msgId was already stored (a redelivered record,
 * or a retry twice in one batch): the savepoint is rolled back and the batch goes through
 * `appendOne`, message by message, which answers such a message with its stored copy and leaves
 * no gap in the seqs.
 */
export class SqliteBatchAppender {
  private readonly bumpAll: Statement<[string], { id: string; seq: number }>;
  private readonly insertAll: Statement<[string]>;
  private readonly fastTx: (inputs: readonly AppendInput[]) => AppendResult[];

  constructor(
    db: Db,
    private readonly columnsOf: (conversationId: string) => ConversationColumns,
    private readonly appendOne: (input: AppendInput) => AppendResult,
  ) {
    this.bumpAll = db.prepare(
      `INSERT INTO conversations (id, kind, member_a, member_b, group_id, seq, updated_at)
       SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]',
              value ->> '$[5]', value ->> '$[6]'
       FROM json_each(?) WHERE true
       ON CONFLICT(id) DO UPDATE SET seq = seq + excluded.seq, updated_at = excluded.updated_at
       RETURNING id, seq`,
    );
    this.insertAll = db.prepare(
      `INSERT INTO messages (conversation_id, seq, msg_id, from_id, message_type, body, recalled, sender_device)
       SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]',
              value ->> '$[5]', 0, value ->> '$[6]'
       FROM json_each(?) WHERE true
       ON CONFLICT (conversation_id, msg_id) DO NOTHING`,
    );
    this.fastTx = db.transaction((inputs: readonly AppendInput[]) => this.appendAll(inputs));
  }

  /** Runs inside the caller's transaction; in input order. */
  append(inputs: readonly AppendInput[]): AppendResult[] {
    if (inputs.length === 1) return [this.appendOne(inputs[0]!)];
    try {
      return this.fastTx(inputs);
    } catch (e) {
      if (e !== ALREADY_STORED) throw e;
      return inputs.map(this.appendOne);
    }
  }

  private appendAll(inputs: readonly AppendInput[]): AppendResult[] {
    const counts = new Map<string, { n: number; at: number }>();
    for (const { conversationId, message } of inputs) {
      const c = counts.get(conversationId);
      if (c) {
        c.n += 1;
        c.at = Math.max(c.at, message.sendTime);
      } else counts.set(conversationId, { n: 1, at: message.sendTime });
    }
    const bumps = [...counts].map(([id, { n, at }]) => {
      const c = this.columnsOf(id);
      return [id, c.kind, c.a, c.b, c.g, n, at];
    });
    const next = new Map<string, number>();
    for (const { id, seq } of this.bumpAll.all(JSON.stringify(bumps))) next.set(id, seq - counts.get(id)!.n);
    const results: AppendResult[] = [];
    const rows: unknown[][] = [];
    for (const input of inputs) {
      const seq = next.get(input.conversationId)! + 1;
      next.set(input.conversationId, seq);
      const message: ImMessage & { seq: number; sendTime: number } = { ...input.message, seq };
      const { conversationId, senderDeviceId } = input;
      rows.push([
        conversationId,
        seq,
        message.msgId,
        message.fromId,
        message.messageType,
        JSON.stringify(message),
        senderDeviceId ?? null,
      ]);
      const stored: StoredMessage = { conversationId, seq, message, recalled: false, senderDeviceId };
      results.push({ stored, duplicate: false });
    }
    if (this.insertAll.run(JSON.stringify(rows)).changes !== rows.length) throw ALREADY_STORED;
    return results;
  }
}
