import type { ErrorName } from '@im/protocol';
import type { Group, GroupMember, GroupRepository } from './store.port';

/**
 * Who posts to a group: one of its users (their member record; absent when they are not a
 * member), or the server itself (business events, the server's own notices), which is neither
 * a member nor subject to mutes and may still post to an expired group (to say it expired).
 */
export type GroupSender = { readonly member: GroupMember | undefined } | 'server';

export type GroupSendRefusalCode = Extract<
  ErrorName,
  'IM_ERR_NOT_FOUND' | 'IM_ERR_GROUP_DISMISSED' | 'IM_ERR_GROUP_EXPIRED' | 'IM_ERR_NOT_MEMBER' | 'IM_ERR_GROUP_MUTED'
>;

/** Why a send to a group is refused: the error to answer with, and a reason a person can read. */
export interface GroupSendRefusal {
  readonly code: GroupSendRefusalCode;
  readonly reason: string;
}

const refusal = (code: GroupSendRefusalCode, reason: string): GroupSendRefusal => ({ code, reason });

/**
 * The one rule of who may send to a group now (a message, a reaction, a red packet or
 * collection, a group call signal, a business event). In order: the group must exist and not be
 * dismissed; then, for a user, the group must not have expired (`now >= expiresAt`), the user
 * must be a member, not muted themselves (`now < mutedUntil`), and, while the whole group is
 * muted, be its owner or an admin. Pure: the caller reads the group and the member (from the
 * store or a cache) and turns the refusal into its own answer. `undefined`: the send may go.
 */
export function groupSendRefusal(
  group: Group | undefined,
  sender: GroupSender,
  now: number,
): GroupSendRefusal | undefined {
  if (!group) return refusal('IM_ERR_NOT_FOUND', 'no such group');
  if (group.dismissed === true)
    return refusal('IM_ERR_GROUP_DISMISSED', 'the group has been dismissed; it accepts no more messages');
  if (sender === 'server') return undefined;
  if (group.expiresAt !== undefined && now >= group.expiresAt) {
    return refusal(
      'IM_ERR_GROUP_EXPIRED',
      `the group expired at ${new Date(group.expiresAt).toISOString()}; it accepts no more messages`,
    );
  }
  const { member } = sender;
  if (!member) return refusal('IM_ERR_NOT_MEMBER', 'you are not a member of this group');
  if (member.mutedUntil !== undefined && now < member.mutedUntil) {
    return refusal(
      'IM_ERR_GROUP_MUTED',
      `you are muted in this group until ${new Date(member.mutedUntil).toISOString()}`,
    );
  }
  if (group.muted === true && member.role === 'member')
    return refusal('IM_ERR_GROUP_MUTED', 'the group is muted: only the owner and admins may send');
  return undefined;
}

/** Reads the group and `userId`'s member record from `groups` and applies {@link groupSendRefusal}. */
export async function checkGroupSend(
  groups: Pick<GroupRepository, 'get' | 'member'>,
  groupId: string,
  userId: string,
  now: number,
): Promise<GroupSendRefusal | undefined> {
  const [group, member] = await Promise.all([groups.get(groupId), groups.member(groupId, userId)]);
  return groupSendRefusal(group, { member }, now);
}
