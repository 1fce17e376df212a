import type {
  ExpiryNotice,
  Group,
  GroupApplication,
  GroupAttribute,
  GroupMember,
  GroupRepository,
  GroupRole,
  JoinPolicy,
} from '../store.port';
import type { Db } from './sqlite.database';

interface GroupRow {
  id: string;
  name: string;
  owner_id: string;
  created_at: number;
  dismissed: number;
  muted: number;
  join_policy: string;
  ownership_candidate: string | null;
  avatar: string | null;
  announcement: string | null;
  introduction: string | null;
  expires_at: number | null;
  reminded_at: number | null;
  expired_at: number | null;
}
interface ApplicationRow {
  group_id: string;
  user_id: string;
  message: string;
  created_at: number;
}
interface MemberRow {
  group_id: string;
  user_id: string;
  role: string;
  joined_seq: number;
  remark: string | null;
  muted_until: number | null;
}

const toGroup = (r: GroupRow): Group => ({
  groupId: r.id,
  name: r.name,
  ownerId: r.owner_id,
  createdAt: r.created_at,
  dismissed: r.dismissed === 1,
  muted: r.muted === 1,
  joinPolicy: r.join_policy as JoinPolicy,
  ...(r.ownership_candidate === null ? {} : { ownershipCandidate: r.ownership_candidate }),
  ...(r.avatar === null ? {} : { avatar: r.avatar }),
  ...(r.announcement === null ? {} : { announcement: r.announcement }),
  ...(r.introduction === null ? {} : { introduction: r.introduction }),
  ...(r.expires_at === null ? {} : { expiresAt: r.expires_at }),
  ...(r.reminded_at === null ? {} : { remindedAt: r.reminded_at }),
  ...(r.expired_at === null ? {} : { expiredAt: r.expired_at }),
});
const MEMBER_COLUMNS = 'group_id, user_id, role, joined_seq, remark, muted_until';
const APPLICATION_COLUMNS = 'group_id, user_id, message, created_at';
const GROUP_COLUMNS =
  'id, name, owner_id, created_at, dismissed, muted, join_policy, ownership_candidate, avatar, announcement, introduction, expires_at, reminded_at, expired_at';
const ATTRIBUTE_COLUMNS: Record<GroupAttribute, string> = {
  avatar: 'avatar',
  announcement: 'announcement',
  introduction: 'introduction',
};
const toApplication = (r: ApplicationRow): GroupApplication => ({
  groupId: r.group_id,
  userId: r.user_id,
  message: r.message,
  createdAt: r.created_at,
});
const toMember = (r: MemberRow): GroupMember => ({
  groupId: r.group_id,
  userId: r.user_id,
  role: r.role as GroupRole,
  joinedSeq: r.joined_seq,
  ...(r.remark === null ? {} : { remark: r.remark }),
  ...(r.muted_until === null ? {} : { mutedUntil: r.muted_until }),
});

export class SqliteGroupRepository implements GroupRepository {
  private readonly createTx: (group: Group, members: readonly { userId: string; role: GroupRole }[]) => boolean;

  private readonly addTx: (groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number) => string[];

  constructor(private readonly db: Db) {
    const addMember = db.prepare(
      'INSERT OR IGNORE INTO group_members (group_id, user_id, role, joined_seq) VALUES (?, ?, ?, ?)',
    );
    this.addTx = db.transaction((groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number) =>
      [...new Set(userIds)].filter((userId) => addMember.run(groupId, userId, role, joinedSeq).changes > 0),
    );
    const insertGroup = db.prepare(
      'INSERT OR IGNORE INTO groups (id, name, owner_id, created_at, join_policy) VALUES (?, ?, ?, ?, ?)',
    );
    const insertMember = db.prepare(
      'INSERT OR IGNORE INTO group_members (group_id, user_id, role, joined_seq) VALUES (?, ?, ?, 0)',
    );
    this.createTx = db.transaction((group: Group, members: readonly { userId: string; role: GroupRole }[]) => {
      const r = insertGroup.run(
        group.groupId,
        group.name,
        group.ownerId,
        group.createdAt,
        group.joinPolicy ?? 'approval',
      );
      if (r.changes === 0) return false;
      for (const m of members) insertMember.run(group.groupId, m.userId, m.role);
      return true;
    });
  }

  async create(group: Group, members: readonly { userId: string; role: GroupRole }[]): Promise<boolean> {
    return this.createTx(group, members);
  }

  async get(groupId: string): Promise<Group | undefined> {
    const row = this.db.prepare<[string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups WHERE id = ?`).get(groupId);
    return row ? toGroup(row) : undefined;
  }

  async member(groupId: string, userId: string): Promise<GroupMember | undefined> {
    const row = this.db
      .prepare<[string, string], MemberRow>(
        `SELECT ${MEMBER_COLUMNS} FROM group_members WHERE group_id = ? AND user_id = ?`,
      )
      .get(groupId, userId);
    return row ? toMember(row) : undefined;
  }

  async members(groupId: string): Promise<GroupMember[]> {
    const rows = this.db
      .prepare<[string], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM group_members WHERE group_id = ? ORDER BY user_id`)
      .all(groupId);
    return rows.map(toMember);
  }

  async groupsOf(userId: string): Promise<GroupMember[]> {
    const rows = this.db
      .prepare<[string], MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM group_members WHERE user_id = ? ORDER BY group_id`)
      .all(userId);
    return rows.map(toMember);
  }

  async addMembers(groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number): Promise<string[]> {
    return this.addTx(groupId, userIds, role, joinedSeq);
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    return (
      this.db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?').run(groupId, userId).changes > 0
    );
  }

  async rename(groupId: string, name: string): Promise<void> {
    this.db.prepare('UPDATE groups SET name = ? WHERE id = ?').run(name, groupId);
  }

  async dismiss(groupId: string): Promise<void> {
    this.db.prepare('UPDATE groups SET dismissed = 1 WHERE id = ?').run(groupId);
  }

  async setMuted(groupId: string, muted: boolean): Promise<void> {
    this.db.prepare('UPDATE groups SET muted = ? WHERE id = ?').run(muted ? 1 : 0, groupId);
  }

  async setAttribute(groupId: string, attribute: GroupAttribute, value: string): Promise<void> {
    this.db.prepare(`UPDATE groups SET ${ATTRIBUTE_COLUMNS[attribute]} = ? WHERE id = ?`).run(value, groupId);
  }

  async setRemark(groupId: string, userId: string, remark: string): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE group_members SET remark = ? WHERE group_id = ? AND user_id = ?')
        .run(remark, groupId, userId).changes > 0
    );
  }

  async setMemberMutedUntil(groupId: string, userId: string, until: number | undefined): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE group_members SET muted_until = ? WHERE group_id = ? AND user_id = ?')
        .run(until ?? null, groupId, userId).changes > 0
    );
  }

  async setRole(groupId: string, userId: string, role: GroupRole): Promise<boolean> {
    return (
      this.db.prepare('UPDATE group_members SET role = ? WHERE group_id = ? AND user_id = ?').run(role, groupId, userId)
        .changes > 0
    );
  }

  async setJoinPolicy(groupId: string, joinPolicy: JoinPolicy): Promise<void> {
    this.db.prepare('UPDATE groups SET join_policy = ? WHERE id = ?').run(joinPolicy, groupId);
  }

  async setOwnershipCandidate(groupId: string, candidateId: string | undefined): Promise<void> {
    this.db.prepare('UPDATE groups SET ownership_candidate = ? WHERE id = ?').run(candidateId ?? null, groupId);
  }

  async setOwner(groupId: string, ownerId: string): Promise<void> {
    this.db.prepare('UPDATE groups SET owner_id = ?, ownership_candidate = NULL WHERE id = ?').run(ownerId, groupId);
  }

  async setExpiry(groupId: string, expiresAt: number | undefined): Promise<void> {
    this.db
      .prepare('UPDATE groups SET expires_at = ?, reminded_at = NULL, expired_at = NULL WHERE id = ?')
      .run(expiresAt ?? null, groupId);
  }

  async expiryDue(now: number, remindFrom: number, limit: number): Promise<Group[]> {
    const rows = this.db
      .prepare<[number, number, number], GroupRow>(
        `SELECT ${GROUP_COLUMNS} FROM groups WHERE expires_at IS NOT NULL AND expired_at IS NULL AND dismissed = 0
         AND (expires_at <= ? OR (reminded_at IS NULL AND expires_at <= ?)) ORDER BY expires_at, id LIMIT ?`,
      )
      .all(now, remindFrom, limit);
    return rows.map(toGroup);
  }

  async claimExpiryNotice(groupId: string, expiresAt: number, notice: ExpiryNotice, at: number): Promise<boolean> {
    const sql =
      notice === 'reminder'
        ? 'UPDATE groups SET reminded_at = ? WHERE id = ? AND expires_at = ? AND reminded_at IS NULL AND expired_at IS NULL'
        : 'UPDATE groups SET expired_at = ? WHERE id = ? AND expires_at = ? AND expired_at IS NULL';
    return this.db.prepare(sql).run(at, groupId, expiresAt).changes > 0;
  }

  async addApplication(a: GroupApplication): Promise<boolean> {
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO group_applications (${APPLICATION_COLUMNS}) VALUES (?, ?, ?, ?)`)
        .run(a.groupId, a.userId, a.message, a.createdAt).changes > 0
    );
  }

  async applications(groupId: string): Promise<GroupApplication[]> {
    const rows = this.db
      .prepare<[string], ApplicationRow>(
        `SELECT ${APPLICATION_COLUMNS} FROM group_applications WHERE group_id = ? ORDER BY created_at, user_id`,
      )
      .all(groupId);
    return rows.map(toApplication);
  }

  async application(groupId: string, userId: string): Promise<GroupApplication | undefined> {
    const row = this.db
      .prepare<[string, string], ApplicationRow>(
        `SELECT ${APPLICATION_COLUMNS} FROM group_applications WHERE group_id = ? AND user_id = ?`,
      )
      .get(groupId, userId);
    return row ? toApplication(row) : undefined;
  }

  async removeApplication(groupId: string, userId: string): Promise<boolean> {
    return (
      this.db.prepare('DELETE FROM group_applications WHERE group_id = ? AND user_id = ?').run(groupId, userId)
        .changes > 0
    );
  }
}
