import type { Statement } from 'better-sqlite3';
import type { Db } from './sqlite.database';

interface Asked<Row> {
  readonly conversationId: string;
  readonly msgId: string;
  readonly resolve: (row: Row | undefined) => void;
  readonly reject: (error: unknown) => void;
}

const keyOf = (conversationId: string, msgId: string): string => `${conversationId}\n${msgId}`;

/**
 * Message lookups by msgId, gathered per turn of the event loop and answered by one statement
 * (`json_each` over one JSON parameter, joined on the (conversation_id, msg_id) index). The
 * gateway looks up every message it accepts in embedded mode (a retry that crosses a restart must
 * get its first acceptance time); at saturation one turn carries tens of them, so this is one
 * statement per turn instead of one per message. A lone lookup runs the single-key statement.
 */
export class SqliteMessageLookups<Row extends { conversation_id: string; msg_id: string }> {
  private asked: Asked<Row>[] = [];
  private readonly one: Statement<[string, string], Row>;
  private readonly many: Statement<[string], Row>;

  /** `columns`: the columns of `messages` each answer carries (`conversation_id` and `msg_id` among them). */
  constructor(db: Db, columns: readonly string[]) {
    this.one = db.prepare(`SELECT ${columns.join(', ')} FROM messages WHERE conversation_id = ? AND msg_id = ?`);
    this.many = db.prepare(
      `SELECT ${columns.map((c) => `m.${c}`).join(', ')} FROM json_each(?) AS k
       JOIN messages AS m ON m.conversation_id = k.value ->> '$[0]' AND m.msg_id = k.value ->> '$[1]'`,
    );
  }

  find(conversationId: string, msgId: string): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      this.asked.push({ conversationId, msgId, resolve, reject });
      if (this.asked.length === 1) setImmediate(() => this.answer());
    });
  }

  private answer(): void {
    const asked = this.asked;
    this.asked = [];
    try {
      if (asked.length === 1) {
        const [only] = asked as [Asked<Row>];
        only.resolve(this.one.get(only.conversationId, only.msgId));
        return;
      }
      const rows = this.many.all(JSON.stringify(asked.map((a) => [a.conversationId, a.msgId])));
      const found = new Map(rows.map((r) => [keyOf(r.conversation_id, r.msg_id), r]));
      for (const a of asked) a.resolve(found.get(keyOf(a.conversationId, a.msgId)));
    } catch (e) {
      for (const a of asked) a.reject(e);
    }
  }
}
