import type { RelationRepository } from '../store.port';
import type { Db } from './sqlite.database';

export class SqliteRelationRepository implements RelationRepository {
  constructor(private readonly db: Db) {}

  async block(ownerId: string, blockedId: string): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO blacklist (owner_id, blocked_id) VALUES (?, ?)').run(ownerId, blockedId);
    return;
  }

  async unblock(ownerId: string, blockedId: string): Promise<void> {
    this.db.prepare('DELETE FROM blacklist WHERE owner_id = ? AND blocked_id = ?').run(ownerId, blockedId);
    return;
  }

  async isBlocked(ownerId: string, blockedId: string): Promise<boolean> {
    return this.exists('SELECT 1 FROM blacklist WHERE owner_id = ? AND blocked_id = ?', ownerId, blockedId);
  }

  async blocked(ownerId: string): Promise<string[]> {
    return this.ids('SELECT blocked_id AS id FROM blacklist WHERE owner_id = ? ORDER BY blocked_id', ownerId);
  }

  async befriend(a: string, b: string): Promise<void> {
    const stmt = this.db.prepare('INSERT OR IGNORE INTO friendships (user_id, friend_id) VALUES (?, ?)');
    this.db.transaction(() => {
      stmt.run(a, b);
      stmt.run(b, a);
    })();
    return;
  }

  async unfriend(a: string, b: string): Promise<void> {
    this.db
      .prepare('DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)')
      .run(a, b, b, a);
    return;
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    return this.exists('SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?', a, b);
  }

  async friends(userId: string): Promise<string[]> {
    return this.ids('SELECT friend_id AS id FROM friendships WHERE user_id = ? ORDER BY friend_id', userId);
  }

  /** Whether the pair query `sql` finds a row. */
  private exists(sql: string, first: string, second: string): boolean {
    return this.db.prepare<[string, string]>(sql).get(first, second) !== undefined;
  }

  /** The `id` column of every row the one-user query `sql` returns, in its order. */
  private ids(sql: string, userId: string): string[] {
    return this.db
      .prepare<[string], { id: string }>(sql)
      .all(userId)
      .map((r) => r.id);
  }
}
