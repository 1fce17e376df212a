import type { CursorAdvance, CursorRepository } from '../store.port';
import type { Db } from './sqlite.database';
import type { SqliteWriteBatcher } from './sqlite.write-batcher';

export class SqliteCursorRepository implements CursorRepository {
  private readonly upsert;
  private readonly select;

  constructor(
    db: Db,
    private readonly writes: SqliteWriteBatcher,
  ) {
    this.upsert = db.prepare<[string, string, string, number]>(
      `INSERT INTO device_cursors (user_id, device_id, conversation_id, acked_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT(user_id, device_id, conversation_id) DO UPDATE SET acked_seq = MAX(acked_seq, excluded.acked_seq)`,
    );
    this.select = db.prepare<[string, string, string], { acked_seq: number }>(
      'SELECT acked_seq FROM device_cursors WHERE user_id = ? AND device_id = ? AND conversation_id = ?',
    );
  }

  async advance(userId: string, deviceId: string, conversationId: string, seq: number): Promise<void> {
    await this.writes.run(() => this.upsert.run(userId, deviceId, conversationId, seq));
  }

  async advanceMany(cursors: readonly CursorAdvance[]): Promise<void> {
    if (cursors.length === 0) return;
    await this.writes.run(() => {
      for (const c of cursors) this.upsert.run(c.userId, c.deviceId, c.conversationId, c.seq);
    });
  }

  async get(userId: string, deviceId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const id of conversationIds) {
      const row = this.select.get(userId, deviceId, id);
      if (row) out.set(id, row.acked_seq);
    }
    return out;
  }
}
