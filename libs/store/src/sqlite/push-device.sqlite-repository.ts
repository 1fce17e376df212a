import type { PushDevice, PushDeviceRepository, PushPlatform } from '../store.port';
import type { Db } from './sqlite.database';

interface Row {
  user_id: string;
  device_id: string;
  platform: PushPlatform;
  token: string;
  updated_at: number;
}

const toDevice = (r: Row): PushDevice => ({
  userId: r.user_id,
  deviceId: r.device_id,
  platform: r.platform,
  token: r.token,
  updatedAt: r.updated_at,
});

/** Push tokens in SQLite: the primary key is (user, device); a token lives under one of them at most. */
export class SqlitePushDeviceRepository implements PushDeviceRepository {
  constructor(private readonly db: Db) {}

  async put(device: PushDevice): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM push_devices WHERE token = ? AND NOT (user_id = ? AND device_id = ?)')
        .run(device.token, device.userId, device.deviceId);
      this.db
        .prepare(
          `INSERT INTO push_devices (user_id, device_id, platform, token, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(user_id, device_id) DO UPDATE SET platform = excluded.platform, token = excluded.token,
             updated_at = excluded.updated_at`,
        )
        .run(device.userId, device.deviceId, device.platform, device.token, device.updatedAt);
    })();
  }

  async remove(userId: string, deviceId: string): Promise<boolean> {
    return (
      this.db.prepare('DELETE FROM push_devices WHERE user_id = ? AND device_id = ?').run(userId, deviceId).changes > 0
    );
  }

  async removeAll(userId: string): Promise<number> {
    return this.db.prepare('DELETE FROM push_devices WHERE user_id = ?').run(userId).changes;
  }

  /** One statement per 500 users (a batch's recipients), in user then device order. */
  async devicesOf(userIds: readonly string[]): Promise<PushDevice[]> {
    const users = [...new Set(userIds)].sort();
    const out: PushDevice[] = [];
    for (let i = 0; i < users.length; i += 500) {
      const chunk = users.slice(i, i + 500);
      const rows = this.db
        .prepare<string[], Row>(
          `SELECT * FROM push_devices WHERE user_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY user_id, device_id`,
        )
        .all(...chunk);
      out.push(...rows.map(toDevice));
    }
    return out;
  }

  async setUserMuted(userId: string, muted: boolean): Promise<void> {
    if (muted) this.db.prepare('INSERT INTO push_muted_users (user_id) VALUES (?) ON CONFLICT DO NOTHING').run(userId);
    else this.db.prepare('DELETE FROM push_muted_users WHERE user_id = ?').run(userId);
  }

  async mutedUsersAmong(userIds: readonly string[]): Promise<Set<string>> {
    const stmt = this.db.prepare<[string], { user_id: string }>(
      'SELECT user_id FROM push_muted_users WHERE user_id = ?',
    );
    return new Set(userIds.filter((u) => stmt.get(u) !== undefined));
  }
}
