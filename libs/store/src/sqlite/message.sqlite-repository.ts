import type { ImMessage } from '@im/protocol';
import type { AppendInput, AppendResult, MessageRepository, RangeQuery, StoredMessage } from '../store.port';
import type { Statement } from 'better-sqlite3';
import type { Db } from './sqlite.database';
import type { SqliteWriteBatcher } from './sqlite.write-batcher';
import { SqliteBatchAppender } from './message.sqlite-batch';
import { SqliteMessageLookups } from './message.sqlite-lookups';
import type { ConversationColumns } from './message.sqlite-batch';

interface MessageRow {
  conversation_id: string;
  seq: number;
  body: string;
  recalled: number;
  sender_device: string | null;
}

function toStored(row: MessageRow): StoredMessage {
  return {
    conversationId: row.conversation_id,
    seq: row.seq,
    message: JSON.parse(row.body) as StoredMessage['message'],
    recalled: row.recalled === 1,
    senderDeviceId: row.sender_device ?? undefined,
  };
}

function conversationColumns(conversationId: string): ConversationColumns {
  if (conversationId.startsWith('g:')) return { kind: 'group', a: null, b: null, g: conversationId.slice(2) };
  // `s:<userId>`: a user's system notices (friend requests, ...); never listed as a direct conversation.
  if (conversationId.startsWith('s:')) return { kind: 'system', a: null, b: null, g: null };
  const [, a = null, b = null] = conversationId.split(':');
  return { kind: 'direct', a, b, g: null };
}

export class SqliteMessageRepository implements MessageRepository {
  private readonly appendOne: (input: AppendInput) => AppendResult;
  private readonly appendTx: (input: AppendInput) => AppendResult;
  private readonly appendManyTx: (inputs: readonly AppendInput[]) => AppendResult[];
  private readonly lookups: SqliteMessageLookups<MessageRow & { msg_id: string }>;
  private readonly ranges = new Map<string, Statement<[string, number, number, number], MessageRow>>();

  constructor(
    private readonly db: Db,
    private readonly writes: SqliteWriteBatcher,
  ) {
    const findOne = db.prepare<[string, string], MessageRow>(
      'SELECT conversation_id, seq, body, recalled, sender_device FROM messages WHERE conversation_id = ? AND msg_id = ?',
    );
    const bump = db.prepare<[string, string, string | null, string | null, string | null, number], { seq: number }>(
      `INSERT INTO conversations (id, kind, member_a, member_b, group_id, seq, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT(id) DO UPDATE SET seq = seq + 1, updated_at = excluded.updated_at RETURNING seq`,
    );
    const insert = db.prepare(
      `INSERT INTO messages (conversation_id, seq, msg_id, from_id, message_type, body, recalled, sender_device)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (conversation_id, msg_id) DO NOTHING`,
    );
    const unbump = db.prepare<[string]>('UPDATE conversations SET seq = seq - 1 WHERE id = ?');
    // Insert first, look up only when the msgId was already there (a retry): then the seq taken
    // for it is handed back, inside the same transaction, so no gap is left either.
    this.appendOne = (input: AppendInput): AppendResult => {
      const c = conversationColumns(input.conversationId);
      const { seq } = bump.get(input.conversationId, c.kind, c.a, c.b, c.g, input.message.sendTime) as { seq: number };
      const message: ImMessage & { seq: number; sendTime: number } = { ...input.message, seq };
      const written = insert.run(
        input.conversationId,
        seq,
        message.msgId,
        message.fromId,
        message.messageType,
        JSON.stringify(message),
        input.senderDeviceId ?? null,
      );
      if (written.changes === 0) {
        unbump.run(input.conversationId);
        const existing = findOne.get(input.conversationId, input.message.msgId);
        if (!existing) throw new Error(`SqliteStore: message ${input.message.msgId} neither inserted nor found`);
        return { stored: toStored(existing), duplicate: true };
      }
      const stored: StoredMessage = {
        conversationId: input.conversationId,
        seq,
        message,
        recalled: false,
        senderDeviceId: input.senderDeviceId,
      };
      return { stored, duplicate: false };
    };
    this.appendTx = db.transaction(this.appendOne);
    const batch = new SqliteBatchAppender(db, conversationColumns, this.appendOne);
    this.appendManyTx = db.transaction((inputs: readonly AppendInput[]) => batch.append(inputs));
    this.lookups = new SqliteMessageLookups(db, [
      'conversation_id',
      'seq',
      'body',
      'recalled',
      'sender_device',
      'msg_id',
    ]);
  }

  async append(input: AppendInput): Promise<AppendResult> {
    return this.writes.run(() => this.appendTx(input));
  }

  /** The whole batch in one transaction (one write of the group commit), two statements (`SqliteBatchAppender`), in input order. */
  async appendBatch(inputs: readonly AppendInput[]): Promise<AppendResult[]> {
    if (inputs.length === 0) return [];
    return this.writes.run(() => this.appendManyTx(inputs));
  }

  /** Gathered with the other lookups of this turn of the event loop into one statement (`SqliteMessageLookups`). */
  async findByMsgId(conversationId: string, msgId: string): Promise<StoredMessage | undefined> {
    const row = await this.lookups.find(conversationId, msgId);
    return row ? toStored(row) : undefined;
  }

  async range(conversationId: string, q: RangeQuery): Promise<StoredMessage[]> {
    const after = q.afterSeq ?? 0;
    const before = q.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const order = q.from === 'newest' ? 'DESC' : 'ASC';
    let stmt = this.ranges.get(order);
    if (!stmt) {
      stmt = this.db.prepare<[string, number, number, number], MessageRow>(
        `SELECT conversation_id, seq, body, recalled, sender_device FROM messages
         WHERE conversation_id = ? AND seq > ? AND seq < ? ORDER BY seq ${order} LIMIT ?`,
      );
      this.ranges.set(order, stmt);
    }
    const rows = stmt.all(conversationId, after, before, q.limit);
    if (order === 'DESC') rows.reverse();
    return rows.map(toStored);
  }

  /** One index lookup per conversation (SQLite answers in-process: no round trip to save). */
  async lastOf(
    conversations: readonly { conversationId: string; maxSeq: number }[],
  ): Promise<Map<string, StoredMessage>> {
    const out = new Map<string, StoredMessage>();
    for (const c of conversations) {
      if (c.maxSeq <= 0) continue;
      const [newest] = await this.range(c.conversationId, { beforeSeq: c.maxSeq + 1, limit: 1, from: 'newest' });
      if (newest) out.set(c.conversationId, newest);
    }
    return out;
  }

  async markRecalled(conversationId: string, msgId: string): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE messages SET recalled = 1 WHERE conversation_id = ? AND msg_id = ?')
      .run(conversationId, msgId);
    return r.changes > 0;
  }

  async countUnread(
    conversationId: string,
    afterSeq: number,
    userId: string,
    unreadTypes: readonly number[],
  ): Promise<number> {
    if (unreadTypes.length === 0) return 0;
    const marks = unreadTypes.map(() => '?').join(',');
    const row = this.db
      .prepare<unknown[], { n: number }>(
        `SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND seq > ? AND from_id <> ? AND recalled = 0 AND message_type IN (${marks})`,
      )
      .get(conversationId, afterSeq, userId, ...unreadTypes);
    return row?.n ?? 0;
  }
}
