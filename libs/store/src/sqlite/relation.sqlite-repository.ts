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
    const row = this.db
      .prepare('SELECT 1 AS x FROM blacklist WHERE owner_id = ? AND blocked_id = ?')
      .get(ownerId, blockedId);
    return row !== undefined;
  }

  async blocked(ownerId: string): Promise<string[]> {
    const rows = this.db
      .prepare<[string], { blocked_id: string }>(
        'SELECT blocked_id FROM blacklist WHERE owner_id = ? ORDER BY blocked_id',
      )
      .all(ownerId);
    return rows.map((r) => r.blocked_id);
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
    const row = this.db.prepare('SELECT 1 AS x FROM friendships WHERE user_id = ? AND friend_id = ?').get(a, b);
    return row !== undefined;
  }

  async friends(userId: string): Promise<string[]> {
    const rows = this.db
      .prepare<[string], { friend_id: string }>(
        'SELECT friend_id FROM friendships WHERE user_id = ? ORDER BY friend_id',
      )
      .all(userId);
    return rows.map((r) => r.friend_id);
  }
}
