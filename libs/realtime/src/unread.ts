import { MESSAGE_TYPES, groupConversationId, systemConversationId } from '@im/protocol';
import type { ConversationSummary, GroupMember, Store } from '@im/store';

/** The types that count as unread (the registry's `unread`). */
const UNREAD_TYPES = MESSAGE_TYPES.filter((t) => t.unread).map((t) => t.type);

/** A conversation of the user with the seq its unread count starts after. */
export type ReadPosition = (ConversationSummary | SystemConversation) & { readonly readSeq: number };

/** The user's own notice conversation `s:<userId>`, listed only once it holds a message. */
export interface SystemConversation {
  readonly conversationId: string;
  readonly kind: 'system';
  readonly maxSeq: number;
}

export interface UserConversations {
  readonly memberships: readonly GroupMember[];
  /** Direct and group conversations (then the system one, when asked for), each with its read position. */
  readonly conversations: readonly ReadPosition[];
}

/**
 * The user's conversations and where their unread messages start: the user's read mark, and in a
 * group never before the member joined (earlier history is not theirs). Store reads: the groups,
 * the conversations (and the system conversation's max seq), one batch of read marks.
 */
export async function userConversations(
  store: Store,
  userId: string,
  options: { withSystem?: boolean } = {},
): Promise<UserConversations> {
  const memberships = await store.groups.groupsOf(userId);
  const system = systemConversationId(userId);
  const [list, systemSeq] = await Promise.all([
    store.conversations.listForUser(
      userId,
      memberships.map((m) => m.groupId),
    ),
    options.withSystem === true ? store.conversations.maxSeq(system) : Promise.resolve(0),
  ]);
  const all: (ConversationSummary | SystemConversation)[] = [
    ...list,
    ...(systemSeq > 0 ? [{ conversationId: system, kind: 'system' as const, maxSeq: systemSeq }] : []),
  ];
  const reads = await store.conversations.readSeqs(
    userId,
    all.map((c) => c.conversationId),
  );
  const joined = new Map(memberships.map((m) => [groupConversationId(m.groupId), m.joinedSeq]));
  const conversations = all.map((c) => ({
    ...c,
    readSeq: Math.max(reads.get(c.conversationId) ?? 0, joined.get(c.conversationId) ?? 0),
  }));
  return { memberships, conversations };
}

/**
 * Unread messages per conversation for `userId` (the registry's unread types, not sent by them),
 * keyed by conversationId. Only conversations with news (`maxSeq > readSeq`) cost a store read;
 * the others are 0.
 */
export async function countUnread(
  store: Store,
  userId: string,
  conversations: readonly Pick<ReadPosition, 'conversationId' | 'maxSeq' | 'readSeq'>[],
): Promise<Map<string, number>> {
  const counts = await Promise.all(
    conversations.map(async (c): Promise<[string, number]> => [
      c.conversationId,
      c.maxSeq > c.readSeq ? await store.messages.countUnread(c.conversationId, c.readSeq, userId, UNREAD_TYPES) : 0,
    ]),
  );
  return new Map(counts);
}

/** The user's unread messages over all their direct and group conversations: a push's badge, the list's sum. */
export async function unreadTotal(store: Store, userId: string): Promise<number> {
  const { conversations } = await userConversations(store, userId);
  let total = 0;
  for (const n of (await countUnread(store, userId, conversations)).values()) total += n;
  return total;
}
