import type { FriendRequest, FriendRequestRepository } from '../store.port';
import type { Db } from './sqlite.database';

interface Row {
  from_id: string;
  to_id: string;
  message: string;
  created_at: number;
}

const toRequest = (r: Row): FriendRequest => ({
  fromId: r.from_id,
  toId: r.to_id,
  message: r.message,
  createdAt: r.created_at,
});

export class SqliteFriendRequestRepository implements FriendRequestRepository {
  constructor(private readonly db: Db) {}

  async put(request: FriendRequest): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO friend_requests (from_id, to_id, message, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(from_id, to_id) DO UPDATE SET message = excluded.message, created_at = excluded.created_at`,
      )
      .run(request.fromId, request.toId, request.message, request.createdAt);
    return;
  }

  async get(fromId: string, toId: string): Promise<FriendRequest | undefined> {
    const row = this.db
      .prepare<[string, string], Row>('SELECT * FROM friend_requests WHERE from_id = ? AND to_id = ?')
      .get(fromId, toId);
    return row ? toRequest(row) : undefined;
  }

  async remove(fromId: string, toId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM friend_requests WHERE from_id = ? AND to_id = ?').run(fromId, toId).changes > 0;
  }

  async incoming(toId: string): Promise<FriendRequest[]> {
    return this.db
      .prepare<[string], Row>('SELECT * FROM friend_requests WHERE to_id = ? ORDER BY created_at, from_id')
      .all(toId)
      .map(toRequest);
  }

  async outgoing(fromId: string): Promise<FriendRequest[]> {
    return this.db
      .prepare<[string], Row>('SELECT * FROM friend_requests WHERE from_id = ? ORDER BY created_at, to_id')
      .all(fromId)
      .map(toRequest);
  }
}
