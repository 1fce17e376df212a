import type { ConversationDoc } from './mongo.models';

export type ConversationSeed = Pick<ConversationDoc, 'kind' | 'members' | 'groupId'>;

/**
 * What a conversation document holds besides its seq, read from its id as the embedded store
 * does: `g:<groupId>` is a group, anything else `p:<a>:<b>` a direct conversation of a and b.
 */
export function conversationSeed(conversationId: string): ConversationSeed {
  if (conversationId.startsWith('g:')) return { kind: 'group', groupId: conversationId.slice(2) };
  // `s:<userId>`: a user's system notices; not a direct conversation, so never listed as one.
  if (conversationId.startsWith('s:')) return { kind: 'system' };
  const [, a, b] = conversationId.split(':');
  const members = [a, b].filter((m): m is string => m !== undefined);
  return { kind: 'direct', members };
}
