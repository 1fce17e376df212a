import { isValidId } from './id.format';

/**
 * A conversation id: `p:<a>:<b>` for two users (ids sorted, so both sides get the same id) or
 * `g:<groupId>` for a group. Unambiguous because wire ids cannot contain ':' (id.format.ts).
 */
export type ConversationId = string;

export type ParsedConversationId = { kind: 'direct'; userIds: [string, string] } | { kind: 'group'; groupId: string };

/** The id of the direct conversation between users `a` and `b`, whichever order they are given. */
export function directConversationId(a: string, b: string): ConversationId {
  return `p:${[a, b].sort().join(':')}`;
}

export function groupConversationId(groupId: string): ConversationId {
  return `g:${groupId}`;
}

/**
 * The system conversation of one user, `s:<userId>`: the stored notices addressed to that user
 * alone (friend requests, acceptances, ...), with its own seqs, synced like any conversation.
 */
export function systemConversationId(userId: string): ConversationId {
  return `s:${userId}`;
}

/**
 * The parts of a conversation id, or undefined when it is not one this module would produce
 * (bad prefix, invalid ids, or a direct id whose user ids are not in sorted order).
 */
export function parseConversationId(id: string): ParsedConversationId | undefined {
  if (id.startsWith('g:')) {
    const groupId = id.slice(2);
    return isValidId(groupId) ? { kind: 'group', groupId } : undefined;
  }
  if (!id.startsWith('p:')) return undefined;
  const [a, b, ...rest] = id.slice(2).split(':');
  if (rest.length > 0 || !isValidId(a) || !isValidId(b) || a > b) return undefined;
  return { kind: 'direct', userIds: [a, b] };
}
