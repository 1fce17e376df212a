import type { CommandReply, GroupCommand } from '@im/bus';
import { MessageType } from '@im/protocol';
import type { ErrorName } from '@im/protocol';
import type { Group, GroupMember, Store } from '@im/store';
import type { GroupNotices } from './group.notices';

type Of<K extends GroupCommand['kind']> = Extract<GroupCommand, { kind: K }>;
type Admin = Of<'apply' | 'approve' | 'refuse-application'>;
/** What an application command answers (a part of the group service's results). */
type ApplicationResult = { done: true } | { status: 'joined' | 'pending' };

const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });
const canManage = (m: GroupMember): boolean => m.role === 'owner' || m.role === 'admin';

/**
 * Joining a group by application: apply (joined at once, pending, or refused by the join policy),
 * approve and refuse. Idempotent as the rest of the group service: a redelivered command finds the
 * notices it stored and finishes what it had not.
 */
export class GroupApplications {
  constructor(
    private readonly store: Store,
    private readonly notices: GroupNotices,
    /** Largest group, owner included. */
    private readonly maxMembers: number,
  ) {}

  /**
   * Asks to join. `free`: joins at once (8 to the members). `approval`: a pending application,
   * 13 and 59 to the owner and admins (in their `s:`). `invite-only`: refused.
   */
  async apply(
    c: Extract<Admin, { kind: 'apply' }>,
    group: Group,
    actor: GroupMember | undefined,
  ): Promise<CommandReply<ApplicationResult>> {
    const policy = group.joinPolicy ?? 'approval';
    if (actor) {
      // A redelivered free join finds its own 8 at the member's joinedSeq.
      const joined = await this.notices.inGroup(c, MessageType.GROUP_MEMBER_JOINED, c.userId);
      if (joined && joined.seq === actor.joinedSeq) return { ok: true, value: { status: 'joined' } };
      return refuse('IM_ERR_CONFLICT', 'you are already a member of this group');
    }
    if (policy === 'invite-only') return refuse('IM_ERR_FORBIDDEN', 'this group can only be joined by invitation');
    if (policy === 'free') {
      const full = await this.join(c, c.userId);
      if (full) return full;
      await this.store.groups.removeApplication(c.groupId, c.userId);
      return { ok: true, value: { status: 'joined' } };
    }
    const managers = (await this.store.groups.members(c.groupId)).filter(canManage).map((m) => m.userId);
    const pending = await this.store.groups.application(c.groupId, c.userId);
    // Pending already: refused, unless this very command stored it (a redelivery finishes its notices).
    if (pending && !(await this.notices.ofUser(c, MessageType.GROUP_JOIN_REQUEST, group.ownerId))) {
      return refuse('IM_ERR_CONFLICT', 'you already applied to join this group; your application is pending');
    }
    await this.store.groups.addApplication({
      groupId: c.groupId,
      userId: c.userId,
      message: c.message,
      createdAt: c.at,
    });
    const content = {
      groupId: c.groupId,
      userId: c.userId,
      name: await this.notices.nameOf(c.userId),
      message: c.message,
    };
    for (const manager of managers) {
      await this.notices.toUser(c, MessageType.GROUP_JOIN_REQUEST, c.userId, manager, content);
      await this.notices.toUser(c, MessageType.GROUP_APPLICATION, c.userId, manager, content);
    }
    return { ok: true, value: { status: 'pending' } };
  }

  async approve(
    c: Extract<Admin, { kind: 'approve' | 'refuse-application' }>,
  ): Promise<CommandReply<ApplicationResult>> {
    const target = await this.store.groups.member(c.groupId, c.targetId);
    const joined = await this.notices.inGroup(c, MessageType.GROUP_MEMBER_JOINED, c.targetId);
    // Already a member: by this command (a redelivery) or otherwise (invited meanwhile).
    if (target) {
      if (joined && joined.seq === target.joinedSeq) await this.tellApproved(c);
      await this.store.groups.removeApplication(c.groupId, c.targetId);
      return { ok: true, value: { done: true } };
    }
    if (!(await this.store.groups.application(c.groupId, c.targetId)))
      return refuse('IM_ERR_NOT_FOUND', 'no pending application from that user');
    // The application goes last, so a redelivery redoes every step.
    const full = await this.join(c, c.targetId, c.userId);
    if (full) return full;
    await this.tellApproved(c);
    await this.store.groups.removeApplication(c.groupId, c.targetId);
    return { ok: true, value: { done: true } };
  }

  /**
   * `userId` joins (let in `by` an owner or admin), if the group has room: 8 to the members so
   * far, then the member joins at its seq. Answers the refusal when the group is full.
   */
  private async join(c: Admin, userId: string, by?: string): Promise<CommandReply<never> | undefined> {
    const count = (await this.store.groups.members(c.groupId)).length;
    if (count + 1 > this.maxMembers)
      return refuse('IM_ERR_BAD_REQUEST', `a group has at most ${this.maxMembers} members`);
    const content = { userId, name: await this.notices.nameOf(userId), ...(by === undefined ? {} : { by }) };
    const notice = await this.notices.toGroup(c, MessageType.GROUP_MEMBER_JOINED, userId, content, userId);
    await this.store.groups.addMembers(c.groupId, [userId], 'member', notice.seq);
    return undefined;
  }

  private async tellApproved(c: Extract<Admin, { kind: 'approve' | 'refuse-application' }>): Promise<void> {
    const content = { groupId: c.groupId, by: c.userId };
    await this.notices.toUser(c, MessageType.GROUP_JOIN_APPROVED, c.userId, c.targetId, content);
    await this.notices.toUser(c, MessageType.GROUP_APPLICATION_AGREED, c.userId, c.targetId, content);
  }

  async refuse(
    c: Extract<Admin, { kind: 'approve' | 'refuse-application' }>,
  ): Promise<CommandReply<ApplicationResult>> {
    if (!(await this.store.groups.application(c.groupId, c.targetId))) {
      // A redelivered refusal finds its own notice stored.
      if (await this.notices.ofUser(c, MessageType.GROUP_APPLICATION_REFUSED, c.targetId))
        return { ok: true, value: { done: true } };
      return refuse('IM_ERR_NOT_FOUND', 'no pending application from that user');
    }
    await this.notices.toUser(c, MessageType.GROUP_APPLICATION_REFUSED, c.userId, c.targetId, {
      groupId: c.groupId,
      by: c.userId,
    });
    await this.store.groups.removeApplication(c.groupId, c.targetId);
    return { ok: true, value: { done: true } };
  }
}
