import type { Group, GroupMember, GroupRepository, GroupRole } from '../store.port';
import type { Db } from './sqlite.database';

interface GroupRow {
  id: string;
  name: string;
  owner_id: string;
  created_at: number;
  dismissed: number;
  muted: number;
}
interface MemberRow {
  group_id: string;
  user_id: string;
  role: string;
  joined_seq: number;
}

const toGroup = (r: GroupRow): Group => ({ groupId: r.id, name: r.name, ownerId: r.owner_id, createdAt: r.created_at, dismissed: r.dismissed === 1, muted: r.muted === 1 });
const toMember = (r: MemberRow): GroupMember => ({ groupId: r.group_id, userId: r.user_id, role: r.role as GroupRole, joinedSeq: r.joined_seq });

export class SqliteGroupRepository implements GroupRepository {
  private readonly createTx: (group: Group, members: readonly { userId: string; role: GroupRole }[]) => boolean;

  private readonly addTx: (groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number) => string[];

  constructor(private readonly db: Db) {
    const addMember = db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id, role, joined_seq) VALUES (?, ?, ?, ?)');
    this.addTx = db.transaction((groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number) =>
      [...new Set(userIds)].filter((userId) => addMember.run(groupId, userId, role, joinedSeq).changes > 0),
    );
    const insertGroup = db.prepare('INSERT OR IGNORE INTO groups (id, name, owner_id, created_at) VALUES (?, ?, ?, ?)');
    const insertMember = db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id, role, joined_seq) VALUES (?, ?, ?, 0)');
    this.createTx = db.transaction((group: Group, members: readonly { userId: string; role: GroupRole }[]) => {
      const r = insertGroup.run(group.groupId, group.name, group.ownerId, group.createdAt);
      if (r.changes === 0) return false;
      for (const m of members) insertMember.run(group.groupId, m.userId, m.role);
      return true;
    });
  }

  async create(group: Group, members: readonly { userId: string; role: GroupRole }[]): Promise<boolean> {
    return this.createTx(group, members);
  }

  async get(groupId: string): Promise<Group | undefined> {
    const row = this.db.prepare<[string], GroupRow>('SELECT id, name, owner_id, created_at, dismissed, muted FROM groups WHERE id = ?').get(groupId);
    return row ? toGroup(row) : undefined;
  }

  async member(groupId: string, userId: string): Promise<GroupMember | undefined> {
    const row = this.db
      .prepare<[string, string], MemberRow>('SELECT group_id, user_id, role, joined_seq FROM group_members WHERE group_id = ? AND user_id = ?')
      .get(groupId, userId);
    return row ? toMember(row) : undefined;
  }

  async members(groupId: string): Promise<GroupMember[]> {
    const rows = this.db
      .prepare<[string], MemberRow>('SELECT group_id, user_id, role, joined_seq FROM group_members WHERE group_id = ? ORDER BY user_id')
      .all(groupId);
    return rows.map(toMember);
  }

  async groupsOf(userId: string): Promise<GroupMember[]> {
    const rows = this.db
      .prepare<[string], MemberRow>('SELECT group_id, user_id, role, joined_seq FROM group_members WHERE user_id = ? ORDER BY group_id')
      .all(userId);
    return rows.map(toMember);
  }

  async addMembers(groupId: string, userIds: readonly string[], role: GroupRole, joinedSeq: number): Promise<string[]> {
    return this.addTx(groupId, userIds, role, joinedSeq);
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?').run(groupId, userId).changes > 0;
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

  async setRole(groupId: string, userId: string, role: GroupRole): Promise<boolean> {
    return this.db.prepare('UPDATE group_members SET role = ? WHERE group_id = ? AND user_id = ?').run(role, groupId, userId).changes > 0;
  }
}
