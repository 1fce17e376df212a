import type { ProfileChange, UserBan, UserProfile, UserRepository } from '../user.port';
import { nameKey } from '../user.port';
import type { Db } from './sqlite.database';

interface Row {
  user_id: string;
  name: string;
  avatar: string;
  signature: string;
  updated_at: number;
}

const toProfile = (r: Row): UserProfile => ({
  userId: r.user_id,
  name: r.name,
  avatar: r.avatar,
  signature: r.signature,
  updatedAt: r.updated_at,
});

/** `LIKE` with `\` as the escape: a prefix is matched literally, `%` and `_` included. */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

  async ensure(profile: UserProfile): Promise<UserProfile> {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO users (user_id, name, name_key, avatar, signature, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(profile.userId, profile.name, nameKey(profile.name), profile.avatar, profile.signature, profile.updatedAt);
    return (await this.get(profile.userId)) as UserProfile;
  }

  async update(userId: string, change: ProfileChange, at: number): Promise<UserProfile> {
    const current = (await this.get(userId)) ?? { userId, name: userId, avatar: '', signature: '', updatedAt: at };
    const next: UserProfile = { ...current, ...change, updatedAt: at };
    this.db
      .prepare(
        `INSERT INTO users (user_id, name, name_key, avatar, signature, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
           avatar = excluded.avatar, signature = excluded.signature, updated_at = excluded.updated_at`,
      )
      .run(userId, next.name, nameKey(next.name), next.avatar, next.signature, at);
    return next;
  }

  async get(userId: string): Promise<UserProfile | undefined> {
    const row = this.db.prepare<[string], Row>('SELECT * FROM users WHERE user_id = ?').get(userId);
    return row ? toProfile(row) : undefined;
  }

  async getMany(userIds: readonly string[]): Promise<UserProfile[]> {
    if (userIds.length === 0) return [];
    const unique = [...new Set(userIds)];
    const rows = this.db
      .prepare<string[], Row>(`SELECT * FROM users WHERE user_id IN (${unique.map(() => '?').join(',')})`)
      .all(...unique);
    const byId = new Map(rows.map((r) => [r.user_id, toProfile(r)]));
    return unique.flatMap((id) => byId.get(id) ?? []);
  }

  async searchByName(prefix: string, limit: number): Promise<UserProfile[]> {
    return this.db
      .prepare<[string, number], Row>(
        `SELECT * FROM users WHERE name_key LIKE ? ESCAPE '\\' ORDER BY name_key, user_id LIMIT ?`,
      )
      .all(likePrefix(nameKey(prefix)), limit)
      .map(toProfile);
  }

  async ban(ban: UserBan): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO user_bans (user_id, at, reason) VALUES (?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET at = excluded.at, reason = excluded.reason`,
      )
      .run(ban.userId, ban.at, ban.reason);
  }

  async unban(userId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM user_bans WHERE user_id = ?').run(userId).changes > 0;
  }

  async banOf(userId: string): Promise<UserBan | undefined> {
    const row = this.db
      .prepare<[string], { user_id: string; at: number; reason: string }>('SELECT * FROM user_bans WHERE user_id = ?')
      .get(userId);
    return row ? { userId: row.user_id, at: row.at, reason: row.reason } : undefined;
  }
}
