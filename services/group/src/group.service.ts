import type { CommandReply, GroupCommand, GroupCommandResult } from '@im/bus';
import type { Logger } from '@im/common';
import { MessageType, isValidId } from '@im/protocol';
import type { ErrorName } from '@im/protocol';
import type { DeliveryPort, PushNotifier } from '@im/realtime';
import type { Group, GroupMember, Store } from '@im/store';
import { GroupNotices } from './group.notices';
import { GroupApplications } from './group-applications';
import { GroupOwnership } from './group-ownership';

export interface GroupServiceOptions {
  /** Largest group, owner included; default 500. */
  readonly maxMembers: number;
}

export type { CreateGroupResult } from '@im/bus';

type Create = Extract<GroupCommand, { kind: 'create' }>;
type Admin = Exclude<GroupCommand, { kind: 'create' }>;
type Of<K extends Admin['kind']> = Admin & { readonly kind: K };

const DONE: CommandReply<GroupCommandResult> = { ok: true, value: { done: true } };

const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });
const canManage = (m: GroupMember): boolean => m.role === 'owner' || m.role === 'admin';

/**
 * Owns groups, membership and roles. Every command is idempotent: create by groupId, the others
 * by their commandId: each notice is stored under a msgId made from it — the group notices in the
 * group conversation `g:<groupId>` (fromType 2, synced by every member's devices in seq order),
 * 27, 46, 47, 48, 56 among them; 10, 64, 55, 57, 13, 59, 14, 60, 61, 52, 53 and 54 (for one user only) in the receiver's system conversation `s:<userId>` — so a redelivered command stores
 * and sends each once, and the store changes are idempotent.
 */
export class GroupService {
  private readonly notices: GroupNotices;
  private readonly applications: GroupApplications;
  private readonly ownership: GroupOwnership;

  constructor(
    private readonly store: Store,
    delivery: DeliveryPort,
    private readonly options: GroupServiceOptions,
    private readonly logger: Logger,
    /** Pushes the notices that push to offline devices (im.push.out); absent: no push. */
    push?: PushNotifier,
  ) {
    this.notices = new GroupNotices(store, delivery, push);
    this.applications = new GroupApplications(store, this.notices, options.maxMembers);
    this.ownership = new GroupOwnership(store, this.notices);
  }

  async handle(command: GroupCommand): Promise<CommandReply<GroupCommandResult>> {
    if (command.kind === 'create') return this.create(command);
    const group = await this.store.groups.get(command.groupId);
    if (!group) return refuse('IM_ERR_NOT_FOUND', 'no such group');
    if (group.dismissed === true && command.kind === 'dismiss' && group.ownerId === command.userId)
      return { ok: true, value: { done: true } };
    if (group.dismissed === true) return refuse('IM_ERR_GROUP_DISMISSED', 'the group has been dismissed');
    const actor = await this.store.groups.member(command.groupId, command.userId);
    const reply = await this.administer(command, group, actor);
    if (reply.ok)
      this.logger.info({ kind: command.kind, groupId: command.groupId, userId: command.userId }, 'group command done');
    return reply;
  }

  private async administer(
    c: Admin,
    group: Group,
    actor: GroupMember | undefined,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (c.kind === 'apply') return this.applications.apply(c, group, actor);
    if (!actor) {
      // A redelivered leave finds its own notice stored: it had completed.
      if (c.kind === 'leave' && (await this.notices.inGroup(c, MessageType.GROUP_MEMBER_LEFT, c.userId)))
        return { ok: true, value: { done: true } };
      return refuse('IM_ERR_NOT_MEMBER', 'you are not a member of this group');
    }
    switch (c.kind) {
      case 'invite':
        if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may invite');
        return this.invite(c);
      case 'kick':
        return this.kick(c, actor);
      case 'leave':
        return this.leave(c, actor);
      case 'dismiss':
        return this.dismiss(c, actor);
      case 'set-admin':
      case 'unset-admin':
        return this.setAdmin(c, actor);
      case 'mute':
      case 'unmute':
        return this.mute(c, group, actor);
      case 'set-expiry':
        return this.setExpiry(c, group, actor);
      case 'set-join-policy':
        return this.setJoinPolicy(c, actor);
      case 'approve':
      case 'refuse-application':
        if (!canManage(actor))
          return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may approve or refuse applications');
        return c.kind === 'approve' ? this.applications.approve(c) : this.applications.refuse(c);
      case 'offer-ownership':
      case 'accept-ownership':
      case 'refuse-ownership':
        return this.ownership.transfer(c, group, actor);
      case 'rename':
        return this.rename(c, group, actor);
      case 'set-attribute':
        return this.setAttribute(c, group, actor);
      case 'set-remark':
        return this.setRemark(c, actor);
      case 'mute-member':
      case 'unmute-member':
        return this.muteMember(c, actor);
    }
  }

  private async leave(c: Admin, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (actor.role === 'owner')
      return refuse('IM_ERR_FORBIDDEN', 'the owner cannot leave the group; transfer ownership or dismiss it');
    await this.notices.toGroup(
      c,
      MessageType.GROUP_MEMBER_LEFT,
      c.userId,
      { userId: c.userId, name: await this.notices.nameOf(c.userId) },
      c.userId,
    );
    await this.store.groups.removeMember(c.groupId, c.userId);
    return DONE;
  }

  private async dismiss(c: Admin, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (actor.role !== 'owner') return refuse('IM_ERR_FORBIDDEN', 'only the owner may dismiss the group');
    await this.notices.toGroup(c, MessageType.GROUP_DISMISSED, c.userId, { by: c.userId });
    await this.store.groups.dismiss(c.groupId);
    return DONE;
  }

  private async mute(
    c: Of<'mute' | 'unmute'>,
    group: Group,
    actor: GroupMember,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may mute the group');
    const muted = c.kind === 'mute';
    // Already so (a repeat): nothing changes, nobody is told again.
    if ((group.muted === true) === muted) return DONE;
    await this.notices.toGroup(c, muted ? MessageType.GROUP_MUTED : MessageType.GROUP_UNMUTED, c.userId, {
      by: c.userId,
    });
    await this.store.groups.setMuted(c.groupId, muted);
    return DONE;
  }

  private async setExpiry(
    c: Of<'set-expiry'>,
    group: Group,
    actor: GroupMember,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (actor.role !== 'owner') return refuse('IM_ERR_FORBIDDEN', 'only the owner may set the expiry date');
    if (c.expiresAt !== null && c.expiresAt <= c.at)
      return refuse('IM_ERR_BAD_REQUEST', 'expiresAt must be in the future');
    // The same date again keeps its notices (a repeat or a redelivery tells nobody twice).
    if ((group.expiresAt ?? null) !== c.expiresAt)
      await this.store.groups.setExpiry(c.groupId, c.expiresAt ?? undefined);
    return DONE;
  }

  private async setJoinPolicy(c: Of<'set-join-policy'>, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may change the join policy');
    await this.store.groups.setJoinPolicy(c.groupId, c.joinPolicy);
    return DONE;
  }

  private async rename(c: Of<'rename'>, group: Group, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may rename the group');
    if (group.name === c.name && !(await this.notices.inGroup(c, MessageType.GROUP_RENAMED, c.userId))) return DONE;
    await this.store.groups.rename(c.groupId, c.name);
    await this.notices.toGroup(c, MessageType.GROUP_RENAMED, c.userId, { name: c.name, by: c.userId });
    return DONE;
  }

  /** Remark first, notice last: a redelivery finds the remark set and still sends its notice (stored once, by msgId). */
  private async setRemark(c: Of<'set-remark'>, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (actor.remark === c.remark && !(await this.notices.inGroup(c, MessageType.GROUP_MEMBER_REMARK, c.userId)))
      return DONE;
    await this.store.groups.setRemark(c.groupId, c.userId, c.remark);
    await this.notices.toGroup(c, MessageType.GROUP_MEMBER_REMARK, c.userId, { userId: c.userId, remark: c.remark });
    return DONE;
  }

  /**
   * Avatar (46), announcement (47 when there was none, 48 when it replaces one), introduction (56).
   * Notice first, attribute last: a redelivery still finds the old value and redoes both (the notice once,
   * by its msgId); once stored, the same value again changes nothing and tells nobody.
   */
  private async setAttribute(
    c: Extract<Admin, { kind: 'set-attribute' }>,
    group: Group,
    actor: GroupMember,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor))
      return refuse('IM_ERR_FORBIDDEN', `only the owner and admins may change the group's ${c.attribute}`);
    const current = group[c.attribute];
    if (current === c.value) return { ok: true, value: { done: true } };
    const type =
      c.attribute === 'avatar'
        ? MessageType.GROUP_AVATAR_CHANGED
        : c.attribute === 'introduction'
          ? MessageType.GROUP_INTRODUCTION
          : current === undefined || current === ''
            ? MessageType.GROUP_ANNOUNCEMENT_ADDED
            : MessageType.GROUP_ANNOUNCEMENT_CHANGED;
    await this.notices.toGroup(c, type, c.userId, { [c.attribute]: c.value, by: c.userId });
    await this.store.groups.setAttribute(c.groupId, c.attribute, c.value);
    return { ok: true, value: { done: true } };
  }

  /**
   * Mutes one member until `at` + `minutes` (the owner: anyone but themselves; an admin: members
   * only), or unmutes them. Only the store changes: the gateway and the message service refuse the
   * member's sends with IM_ERR_MEMBER_MUTED until then.
   */
  private async muteMember(
    c: Extract<Admin, { kind: 'mute-member' | 'unmute-member' }>,
    actor: GroupMember,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may mute members');
    if (c.targetId === c.userId) return refuse('IM_ERR_BAD_REQUEST', 'you cannot mute yourself');
    const target = await this.store.groups.member(c.groupId, c.targetId);
    if (!target) return refuse('IM_ERR_NOT_MEMBER', 'that user is not a member of this group');
    if (target.role === 'owner' || (target.role === 'admin' && actor.role !== 'owner')) {
      return refuse('IM_ERR_FORBIDDEN', 'an admin cannot mute the owner or another admin');
    }
    await this.store.groups.setMemberMutedUntil(
      c.groupId,
      c.targetId,
      c.kind === 'mute-member' ? c.at + c.minutes * 60_000 : undefined,
    );
    return { ok: true, value: { done: true } };
  }

  private async invite(c: Extract<Admin, { kind: 'invite' }>): Promise<CommandReply<GroupCommandResult>> {
    const targets = [...new Set(c.targetIds)];
    if (!targets.every(isValidId)) return refuse('IM_ERR_BAD_REQUEST', 'userIds must be valid user ids');
    const members = new Set((await this.store.groups.members(c.groupId)).map((m) => m.userId));
    if (members.size + targets.filter((t) => !members.has(t)).length > this.options.maxMembers) {
      return refuse('IM_ERR_BAD_REQUEST', `a group has at most ${this.options.maxMembers} members`);
    }
    const added: string[] = [];
    for (const target of targets) {
      const member = await this.store.groups.member(c.groupId, target);
      const joined = await this.notices.inGroup(c, MessageType.GROUP_MEMBER_JOINED, target);
      // Already a member, and not by this command (a redelivery finishes its own invitees).
      if (member && member.joinedSeq !== joined?.seq) continue;
      // 8 to the members so far; the invitee joins after it, so earlier history (8 included) is not theirs.
      const notice = await this.notices.toGroup(
        c,
        MessageType.GROUP_MEMBER_JOINED,
        target,
        { userId: target, name: await this.notices.nameOf(target), by: c.userId },
        target,
      );
      await this.store.groups.addMembers(c.groupId, [target], 'member', notice.seq);
      await this.notices.toUser(c, MessageType.GROUP_INVITED, target, target, {
        groupId: c.groupId,
        userId: target,
        name: await this.notices.nameOf(target),
        by: c.userId,
      });
      added.push(target);
    }
    return { ok: true, value: { added } };
  }

  private async kick(
    c: Extract<Admin, { kind: 'kick' }>,
    actor: GroupMember,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may remove members');
    if (c.targetId === c.userId)
      return refuse('IM_ERR_BAD_REQUEST', 'to leave the group, use DELETE /v1/groups/:groupId/members/me');
    const target = await this.store.groups.member(c.groupId, c.targetId);
    // Not (or no longer) a member: nothing to do, nobody to tell (a repeated or redelivered kick).
    if (!target) return { ok: true, value: { done: true } };
    if (target.role === 'owner' || (target.role === 'admin' && actor.role !== 'owner')) {
      return refuse('IM_ERR_FORBIDDEN', 'an admin cannot remove the owner or another admin');
    }
    // Notices first, membership last: a redelivered command still finds the member and redoes every step.
    await this.notices.toUser(c, MessageType.GROUP_KICKED, c.userId, c.targetId, { groupId: c.groupId, by: c.userId });
    await this.notices.toGroup(
      c,
      MessageType.GROUP_MEMBER_LEFT,
      c.targetId,
      { userId: c.targetId, name: await this.notices.nameOf(c.targetId), by: c.userId },
      c.targetId,
    );
    await this.store.groups.removeMember(c.groupId, c.targetId);
    return { ok: true, value: { done: true } };
  }

  private async setAdmin(
    c: Extract<Admin, { kind: 'set-admin' | 'unset-admin' }>,
    actor: GroupMember,
  ): Promise<CommandReply<GroupCommandResult>> {
    if (actor.role !== 'owner') return refuse('IM_ERR_FORBIDDEN', 'only the owner may set or unset admins');
    const target = await this.store.groups.member(c.groupId, c.targetId);
    if (!target) return refuse('IM_ERR_NOT_MEMBER', 'that user is not a member of this group');
    if (target.role === 'owner') return refuse('IM_ERR_BAD_REQUEST', 'the owner’s role cannot change');
    const role = c.kind === 'set-admin' ? 'admin' : 'member';
    if (target.role === role) return { ok: true, value: { done: true } };
    // Notice first, role last: a redelivered command still finds the old role and redoes both.
    await this.notices.toUser(
      c,
      c.kind === 'set-admin' ? MessageType.GROUP_ADMIN_SET : MessageType.GROUP_ADMIN_REMOVED,
      c.userId,
      c.targetId,
      {
        groupId: c.groupId,
        by: c.userId,
      },
    );
    await this.store.groups.setRole(c.groupId, c.targetId, role);
    return { ok: true, value: { done: true } };
  }

  private async create(c: Create): Promise<CommandReply<GroupCommandResult>> {
    const members = [...new Set([c.ownerId, ...c.memberIds])];
    if (!members.every(isValidId)) return refuse('IM_ERR_BAD_REQUEST', 'memberIds must be valid user ids');
    if (members.length > this.options.maxMembers)
      return refuse('IM_ERR_BAD_REQUEST', `a group has at most ${this.options.maxMembers} members`);
    const created = await this.store.groups.create(
      { groupId: c.groupId, name: c.name, ownerId: c.ownerId, createdAt: c.at, joinPolicy: c.joinPolicy ?? 'approval' },
      members.map((userId) => ({ userId, role: userId === c.ownerId ? ('owner' as const) : ('member' as const) })),
    );
    if (!created) {
      const existing = await this.store.groups.get(c.groupId);
      if (existing?.ownerId !== c.ownerId) return refuse('IM_ERR_CONFLICT', 'group id already taken');
    }
    await this.tellInitialMembers(c, members);
    this.logger.info({ groupId: c.groupId, members: members.length, created }, 'group created');
    return { ok: true, value: { groupId: c.groupId, created } };
  }

  /** 10 to each initial member but the owner, as to an invitee (fromId the member, content who invited). */
  private async tellInitialMembers(c: Create, members: readonly string[]): Promise<void> {
    const cause = { groupId: c.groupId, commandId: `create-${c.groupId}`, at: c.at };
    const invitees = members.filter((m) => m !== c.ownerId);
    // A few at a time: a 500-member group must not take 500 store round trips one after another.
    for (let i = 0; i < invitees.length; i += 16)
      await Promise.all(
        invitees.slice(i, i + 16).map(async (m) =>
          this.notices.toUser(cause, MessageType.GROUP_INVITED, m, m, {
            groupId: c.groupId,
            userId: m,
            name: await this.notices.nameOf(m),
            by: c.ownerId,
          }),
        ),
      );
  }
}
