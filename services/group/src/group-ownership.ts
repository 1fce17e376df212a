import type { CommandReply, GroupCommand } from '@im/bus';
import { MessageType } from '@im/protocol';
import type { ErrorName, MessageTypeNumber } from '@im/protocol';
import type { Group, GroupMember, Store } from '@im/store';
import type { GroupNotices } from './group.notices';

type OwnershipCommand = Extract<GroupCommand, { kind: 'offer-ownership' | 'accept-ownership' | 'refuse-ownership' }>;

const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });

/** Handing a group over to another member; idempotent as the rest of the group service. */
export class GroupOwnership {
  constructor(
    private readonly store: Store,
    private readonly notices: GroupNotices,
  ) {}

  /**
   * Ownership transfer: the owner offers (52 to the candidate), the candidate accepts (53 to the
   * old owner; the candidate becomes owner, the old owner admin) or refuses (54 to the owner).
   */
  async transfer(c: OwnershipCommand, group: Group, actor: GroupMember): Promise<CommandReply<{ done: true }>> {
    if (c.kind === 'offer-ownership') {
      if (actor.role !== 'owner') return refuse('IM_ERR_FORBIDDEN', 'only the owner may transfer ownership');
      if (c.targetId === c.userId) return refuse('IM_ERR_BAD_REQUEST', 'you already own this group');
      if (!(await this.store.groups.member(c.groupId, c.targetId)))
        return refuse('IM_ERR_NOT_MEMBER', 'that user is not a member of this group');
      await this.store.groups.setOwnershipCandidate(c.groupId, c.targetId);
      await this.notices.toUser(c, MessageType.GROUP_OWNERSHIP_OFFERED, c.userId, c.targetId, {
        groupId: c.groupId,
        by: c.userId,
      });
      return { ok: true, value: { done: true } };
    }
    const oldOwner = group.ownerId;
    if (group.ownershipCandidate !== c.userId) {
      // A redelivered accept finds itself owner; a redelivered refuse finds its notice stored.
      if (
        c.kind === 'accept-ownership' &&
        oldOwner === c.userId &&
        (await this.groupNoticeTo(c, MessageType.GROUP_OWNERSHIP_ACCEPTED))
      ) {
        return { ok: true, value: { done: true } };
      }
      if (
        c.kind === 'refuse-ownership' &&
        (await this.notices.ofUser(c, MessageType.GROUP_OWNERSHIP_REFUSED, oldOwner))
      )
        return { ok: true, value: { done: true } };
      return refuse('IM_ERR_FORBIDDEN', 'the owner has not offered you ownership of this group');
    }
    if (c.kind === 'refuse-ownership') {
      await this.notices.toUser(c, MessageType.GROUP_OWNERSHIP_REFUSED, c.userId, oldOwner, {
        groupId: c.groupId,
        by: c.userId,
      });
      await this.store.groups.setOwnershipCandidate(c.groupId, undefined);
      return { ok: true, value: { done: true } };
    }
    // Notice first, then roles, the owner (which clears the offer) last: a redelivery redoes every step.
    await this.notices.toUser(c, MessageType.GROUP_OWNERSHIP_ACCEPTED, c.userId, oldOwner, {
      groupId: c.groupId,
      by: c.userId,
    });
    await this.store.groups.setRole(c.groupId, c.userId, 'owner');
    await this.store.groups.setRole(c.groupId, oldOwner, 'admin');
    await this.store.groups.setOwner(c.groupId, c.userId);
    return { ok: true, value: { done: true } };
  }

  /** Whether this command's 53 exists in the old owner's system conversation (found by its msgId in any member's). */
  private async groupNoticeTo(c: OwnershipCommand, type: MessageTypeNumber): Promise<boolean> {
    for (const m of await this.store.groups.members(c.groupId)) {
      if (m.role === 'admin' && (await this.notices.ofUser(c, type, m.userId))) return true;
    }
    return false;
  }
}
