import type { CommandReply, GroupCommand } from '@im/bus';
import type { Logger } from '@im/common';
import { MessageType, groupConversationId, isValidId, systemConversationId } from '@im/protocol';
import type { ErrorName, ImMessage, MessageTypeNumber } from '@im/protocol';
import type { DeliveryPort } from '@im/realtime';
import type { Group, GroupMember, Store, StoredMessage } from '@im/store';

export interface GroupServiceOptions {
  /** Largest group, owner included; default 500. */
  readonly maxMembers: number;
}

export type CreateGroupResult = { groupId: string; created: boolean };
export type GroupCommandResult = CreateGroupResult | { done: true } | { added: string[] };

type Create = Extract<GroupCommand, { kind: 'create' }>;
type Admin = Exclude<GroupCommand, { kind: 'create' }>;

const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });
const canManage = (m: GroupMember): boolean => m.role === 'owner' || m.role === 'admin';

/**
 * Owns groups, membership and roles. Every command is idempotent: create by groupId, the others
 * by their commandId: each notice is stored under a msgId made from it — the group notices in the
 * group conversation `g:<groupId>` (fromType 2, synced by every member's devices in seq order),
 * 10, 64, 55 and 57 (for one user only) in the receiver's system conversation `s:<userId>` — so a redelivered command stores
 * and sends each once, and the store changes are idempotent.
 */
export class GroupService {
  constructor(
    private readonly store: Store,
    private readonly delivery: DeliveryPort,
    private readonly options: GroupServiceOptions,
    private readonly logger: Logger,
  ) {}

  async handle(command: GroupCommand): Promise<CommandReply<GroupCommandResult>> {
    if (command.kind === 'create') return this.create(command);
    const group = await this.store.groups.get(command.groupId);
    if (!group) return refuse('IM_ERR_NOT_FOUND', 'no such group');
    if (group.dismissed === true && command.kind === 'dismiss' && group.ownerId === command.userId) return { ok: true, value: { done: true } };
    if (group.dismissed === true) return refuse('IM_ERR_GROUP_DISMISSED', 'the group has been dismissed');
    const actor = await this.store.groups.member(command.groupId, command.userId);
    const reply = await this.administer(command, group, actor);
    if (reply.ok) this.logger.info({ kind: command.kind, groupId: command.groupId, userId: command.userId }, 'group command done');
    return reply;
  }

  private async administer(c: Admin, group: Group, actor: GroupMember | undefined): Promise<CommandReply<GroupCommandResult>> {
    if (!actor) {
      // A redelivered leave finds its own notice stored: it had completed.
      if (c.kind === 'leave' && (await this.groupNotice(c, MessageType.GROUP_MEMBER_LEFT, c.userId))) return { ok: true, value: { done: true } };
      return refuse('IM_ERR_NOT_MEMBER', 'you are not a member of this group');
    }
    switch (c.kind) {
      case 'invite':
        if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may invite');
        return this.invite(c);
      case 'kick':
        return this.kick(c, actor);
      case 'leave':
        if (actor.role === 'owner') return refuse('IM_ERR_FORBIDDEN', 'the owner cannot leave the group; transfer ownership or dismiss it');
        await this.toGroup(c, MessageType.GROUP_MEMBER_LEFT, c.userId, { userId: c.userId, name: c.userId }, c.userId);
        await this.store.groups.removeMember(c.groupId, c.userId);
        return { ok: true, value: { done: true } };
      case 'dismiss':
        if (actor.role !== 'owner') return refuse('IM_ERR_FORBIDDEN', 'only the owner may dismiss the group');
        await this.toGroup(c, MessageType.GROUP_DISMISSED, c.userId, { by: c.userId });
        await this.store.groups.dismiss(c.groupId);
        return { ok: true, value: { done: true } };
      case 'set-admin':
      case 'unset-admin':
        return this.setAdmin(c, actor);
      case 'mute':
      case 'unmute': {
        if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may mute the group');
        const muted = c.kind === 'mute';
        // Already so (a repeat): nothing changes, nobody is told again.
        if ((group.muted === true) === muted) return { ok: true, value: { done: true } };
        await this.toGroup(c, muted ? MessageType.GROUP_MUTED : MessageType.GROUP_UNMUTED, c.userId, { by: c.userId });
        await this.store.groups.setMuted(c.groupId, muted);
        return { ok: true, value: { done: true } };
      }
      case 'rename':
        if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may rename the group');
        if (group.name === c.name && !(await this.groupNotice(c, MessageType.GROUP_RENAMED, c.userId))) return { ok: true, value: { done: true } };
        await this.store.groups.rename(c.groupId, c.name);
        await this.toGroup(c, MessageType.GROUP_RENAMED, c.userId, { name: c.name, by: c.userId });
        return { ok: true, value: { done: true } };
    }
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
      const joined = await this.groupNotice(c, MessageType.GROUP_MEMBER_JOINED, target);
      // Already a member, and not by this command (a redelivery finishes its own invitees).
      if (member && member.joinedSeq !== joined?.seq) continue;
      // 8 to the members so far; the invitee joins after it, so earlier history (8 included) is not theirs.
      const notice = await this.toGroup(c, MessageType.GROUP_MEMBER_JOINED, target, { userId: target, name: target, by: c.userId }, target);
      await this.store.groups.addMembers(c.groupId, [target], 'member', notice.seq);
      await this.toUser(c, MessageType.GROUP_INVITED, target, target, { groupId: c.groupId, by: c.userId });
      added.push(target);
    }
    return { ok: true, value: { added } };
  }

  private async kick(c: Extract<Admin, { kind: 'kick' }>, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (!canManage(actor)) return refuse('IM_ERR_FORBIDDEN', 'only the owner and admins may remove members');
    if (c.targetId === c.userId) return refuse('IM_ERR_BAD_REQUEST', 'to leave the group, use DELETE /v1/groups/:groupId/members/me');
    const target = await this.store.groups.member(c.groupId, c.targetId);
    // Not (or no longer) a member: nothing to do, nobody to tell (a repeated or redelivered kick).
    if (!target) return { ok: true, value: { done: true } };
    if (target.role === 'owner' || (target.role === 'admin' && actor.role !== 'owner')) {
      return refuse('IM_ERR_FORBIDDEN', 'an admin cannot remove the owner or another admin');
    }
    // Notices first, membership last: a redelivered command still finds the member and redoes every step.
    await this.toUser(c, MessageType.GROUP_KICKED, c.userId, c.targetId, { groupId: c.groupId, by: c.userId });
    await this.toGroup(c, MessageType.GROUP_MEMBER_LEFT, c.targetId, { userId: c.targetId, name: c.targetId, by: c.userId }, c.targetId);
    await this.store.groups.removeMember(c.groupId, c.targetId);
    return { ok: true, value: { done: true } };
  }

  private async setAdmin(c: Extract<Admin, { kind: 'set-admin' | 'unset-admin' }>, actor: GroupMember): Promise<CommandReply<GroupCommandResult>> {
    if (actor.role !== 'owner') return refuse('IM_ERR_FORBIDDEN', 'only the owner may set or unset admins');
    const target = await this.store.groups.member(c.groupId, c.targetId);
    if (!target) return refuse('IM_ERR_NOT_MEMBER', 'that user is not a member of this group');
    if (target.role === 'owner') return refuse('IM_ERR_BAD_REQUEST', 'the owner’s role cannot change');
    const role = c.kind === 'set-admin' ? 'admin' : 'member';
    if (target.role === role) return { ok: true, value: { done: true } };
    // Notice first, role last: a redelivered command still finds the old role and redoes both.
    await this.toUser(c, c.kind === 'set-admin' ? MessageType.GROUP_ADMIN_SET : MessageType.GROUP_ADMIN_REMOVED, c.userId, c.targetId, {
      groupId: c.groupId,
      by: c.userId,
    });
    await this.store.groups.setRole(c.groupId, c.targetId, role);
    return { ok: true, value: { done: true } };
  }

  private async create(c: Create): Promise<CommandReply<GroupCommandResult>> {
    const members = [...new Set([c.ownerId, ...c.memberIds])];
    if (!members.every(isValidId)) return refuse('IM_ERR_BAD_REQUEST', 'memberIds must be valid user ids');
    if (members.length > this.options.maxMembers) return refuse('IM_ERR_BAD_REQUEST', `a group has at most ${this.options.maxMembers} members`);
    const created = await this.store.groups.create(
      { groupId: c.groupId, name: c.name, ownerId: c.ownerId, createdAt: c.at },
      members.map((userId) => ({ userId, role: userId === c.ownerId ? ('owner' as const) : ('member' as const) })),
    );
    if (!created) {
      const existing = await this.store.groups.get(c.groupId);
      if (existing?.ownerId !== c.ownerId) return refuse('IM_ERR_CONFLICT', 'group id already taken');
    }
    this.logger.info({ groupId: c.groupId, members: members.length, created }, 'group created');
    return { ok: true, value: { groupId: c.groupId, created } };
  }

  private noticeId(c: { commandId: string }, type: MessageTypeNumber, about: string): string {
    return `n${type}-${c.commandId}-${about}`.slice(0, 128);
  }

  private groupNotice(c: Admin, type: MessageTypeNumber, about: string): Promise<StoredMessage | undefined> {
    return this.store.messages.findByMsgId(groupConversationId(c.groupId), this.noticeId(c, type, about));
  }

  private notice(c: Admin, type: MessageTypeNumber, fromId: string, destId: string, msgId: string, content: unknown): ImMessage & { sendTime: number } {
    return { msgId, messageType: type, fromId, fromType: 2, destId, fromName: '', imageIconUrl: '', content, sendTime: c.at };
  }

  /** Stores a group notice in `g:<groupId>` and sends it to the current members (but `except`). */
  private async toGroup(c: Admin, type: MessageTypeNumber, fromId: string, content: unknown, except?: string): Promise<StoredMessage> {
    const message = this.notice(c, type, fromId, c.groupId, this.noticeId(c, type, fromId), content);
    const { stored } = await this.store.messages.append({ conversationId: groupConversationId(c.groupId), message });
    const members = (await this.store.groups.members(c.groupId)).map((m) => m.userId).filter((u) => u !== except);
    await this.delivery.send(members, { kind: 'stored', message: stored });
    return stored;
  }

  /** Stores a notice in `toId`'s system conversation `s:<toId>` and sends it to them. */
  private async toUser(c: Admin, type: MessageTypeNumber, fromId: string, toId: string, content: unknown): Promise<void> {
    const message = this.notice(c, type, fromId, c.groupId, this.noticeId(c, type, toId), content);
    const { stored } = await this.store.messages.append({ conversationId: systemConversationId(toId), message });
    await this.delivery.send([toId], { kind: 'stored', message: stored });
  }
}
