import type { CursorRepository } from '../store.port';
import type { Db } from './sqlite.database';

export class SqliteCursorRepository implements CursorRepository {
  constructor(private readonly db: Db) {}

  async advance(userId: string, deviceId: string, conversationId: string, seq: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO device_cursors (user_id, device_id, conversation_id, acked_seq) VALUES (?, ?, ?, ?)
         ON CONFLICT(user_id, device_id, conversation_id) DO UPDATE SET acked_seq = MAX(acked_seq, excluded.acked_seq)`,
      )
      .run(userId, deviceId, conversationId, seq);
    return ;
  }

  async get(userId: string, deviceId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const stmt = this.db.prepare<[string, string, string], { acked_seq: number }>(
      'SELECT acked_seq FROM device_cursors WHERE user_id = ? AND device_id = ? AND conversation_id = ?',
    );
    const out = new Map<string, number>();
    for (const id of conversationIds) {
      const row = stmt.get(userId, deviceId, id);
      if (row) out.set(id, row.acked_seq);
    }
    return out;
  }
}
