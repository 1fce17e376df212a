import type { ConversationRepository, ConversationSummary } from '../store.port';
import type { Db } from './sqlite.database';

interface ConversationRow {
  id: string;
  kind: string;
  member_a: string | null;
  member_b: string | null;
  group_id: string | null;
  seq: number;
}

function toSummary(row: ConversationRow, userId: string): ConversationSummary {
  if (row.kind === 'group')
    return { conversationId: row.id, kind: 'group', groupId: row.group_id ?? '', maxSeq: row.seq };
  const peerId = row.member_a === userId ? (row.member_b ?? '') : (row.member_a ?? '');
  return { conversationId: row.id, kind: 'direct', peerId, maxSeq: row.seq };
}

export class SqliteConversationRepository implements ConversationRepository {
  constructor(private readonly db: Db) {}

  async listForUser(userId: string, groupIds: readonly string[]): Promise<ConversationSummary[]> {
    const direct = this.db
      .prepare<[string, string], ConversationRow>(
        `SELECT id, kind, member_a, member_b, group_id, seq FROM conversations
         WHERE kind = 'direct' AND (member_a = ? OR member_b = ?)`,
      )
      .all(userId, userId);
    const groupRows = groupIds.map((g): ConversationRow => {
      const row = this.db
        .prepare<[string], ConversationRow>(
          'SELECT id, kind, member_a, member_b, group_id, seq FROM conversations WHERE id = ?',
        )
        .get(`g:${g}`);
      return row ?? { id: `g:${g}`, kind: 'group', member_a: null, member_b: null, group_id: g, seq: 0 };
    });
    return [...direct, ...groupRows].map((r) => toSummary(r, userId));
  }

  async maxSeq(conversationId: string): Promise<number> {
    const row = this.db
      .prepare<[string], { seq: number }>('SELECT seq FROM conversations WHERE id = ?')
      .get(conversationId);
    return row?.seq ?? 0;
  }

  async setReadSeq(userId: string, conversationId: string, seq: number): Promise<number> {
    const row = this.db
      .prepare<[string, string, number], { read_seq: number }>(
        `INSERT INTO read_state (user_id, conversation_id, read_seq) VALUES (?, ?, ?)
         ON CONFLICT(user_id, conversation_id) DO UPDATE SET read_seq = MAX(read_seq, excluded.read_seq) RETURNING read_seq`,
      )
      .get(userId, conversationId, seq);
    return row?.read_seq ?? seq;
  }

  async readSeqs(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const stmt = this.db.prepare<[string, string], { read_seq: number }>(
      'SELECT read_seq FROM read_state WHERE user_id = ? AND conversation_id = ?',
    );
    const out = new Map<string, number>();
    for (const id of conversationIds) {
      const row = stmt.get(userId, id);
      if (row) out.set(id, row.read_seq);
    }
    return out;
  }

  async readSeqsOf(
    entries: readonly { readonly conversationId: string; readonly userId: string }[],
  ): Promise<Map<string, number>> {
    const stmt = this.db.prepare<[string, string], { read_seq: number }>(
      'SELECT read_seq FROM read_state WHERE user_id = ? AND conversation_id = ?',
    );
    const out = new Map<string, number>();
    for (const { conversationId, userId } of entries) {
      const row = stmt.get(userId, conversationId);
      if (row) out.set(conversationId, row.read_seq);
    }
    return out;
  }

  async setMuted(userId: string, conversationId: string, muted: boolean): Promise<void> {
    this.db
      .prepare<[string, string, number]>(
        `INSERT INTO read_state (user_id, conversation_id, read_seq, muted) VALUES (?, ?, 0, ?)
         ON CONFLICT(user_id, conversation_id) DO UPDATE SET muted = excluded.muted`,
      )
      .run(userId, conversationId, muted ? 1 : 0);
  }

  async mutedAmong(conversationId: string, userIds: readonly string[]): Promise<Set<string>> {
    const stmt = this.db.prepare<[string, string], { muted: number }>(
      'SELECT muted FROM read_state WHERE user_id = ? AND conversation_id = ?',
    );
    return new Set(userIds.filter((u) => stmt.get(u, conversationId)?.muted === 1));
  }

  async mutedOf(userId: string): Promise<string[]> {
    return this.db
      .prepare<[string], { conversation_id: string }>(
        'SELECT conversation_id FROM read_state WHERE user_id = ? AND muted = 1 ORDER BY conversation_id',
      )
      .all(userId)
      .map((r) => r.conversation_id);
  }
}
