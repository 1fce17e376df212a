import type { RequestIdRepository } from '../store.port';
import type { Db } from './sqlite.database';

/** Request ids in SQLite: the key is the primary key; the first insert wins. */
export class SqliteRequestIdRepository implements RequestIdRepository {
  constructor(private readonly db: Db) {}

  async claim(key: string, id: string, at: number): Promise<string> {
    this.db
      .prepare('INSERT INTO request_ids (key, id, at) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING')
      .run(key, id, at);
    const row = this.db.prepare<[string], { id: string }>('SELECT id FROM request_ids WHERE key = ?').get(key);
    if (row === undefined) throw new Error(`request id of ${key} stored but not found`);
    return row.id;
  }
}
