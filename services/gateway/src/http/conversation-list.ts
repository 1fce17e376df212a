import { AppError } from '@im/common';
import { groupConversationId, messagePreview } from '@im/protocol';
import { countUnread, userConversations } from '@im/realtime';
import type { ReadPosition } from '@im/realtime';
import type { StoredMessage } from '@im/store';
import { directPeers } from '../socket/device-channel';
import type { RoutesContext } from './routes.context';

/** The last message of a conversation as a list row shows it: who, what (a preview, never a file), when. */
export interface LastMessage {
  readonly msgId: string;
  readonly seq: number;
  readonly messageType: number;
  readonly fromId: string;
  readonly fromName: string;
  readonly preview: string;
  readonly sendTime: number;
  readonly recalled: boolean;
}

export interface ConversationRow {
  readonly conversationId: string;
  readonly kind: 'direct' | 'group' | 'system';
  readonly peerId?: string;
  readonly groupId?: string;
  readonly maxSeq: number;
  readonly readSeq: number;
  readonly peerReadSeq?: number;
  readonly unread: number;
  readonly muted: boolean;
  readonly lastMessage: LastMessage | null;
  /** The last message's sendTime; 0 for a conversation with none the user may see. */
  readonly lastActivityAt: number;
}

export interface ConversationPage {
  readonly conversations: ConversationRow[];
  readonly hasMore: boolean;
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly nextCursor: string | null;
}

function lastMessageOf(stored: StoredMessage): LastMessage {
  const m = stored.message;
  return {
    msgId: m.msgId,
    seq: stored.seq,
    messageType: m.messageType,
    fromId: m.fromId,
    fromName: m.fromName,
    preview: stored.recalled ? '[Recalled]' : messagePreview(m.messageType, m.content),
    sendTime: m.sendTime,
    recalled: stored.recalled,
  };
}

/** Newest activity first; conversations without a message last; ties by id, so the order is total. */
function compareRows(a: Pick<ConversationRow, 'lastActivityAt' | 'conversationId'>, b: typeof a): number {
  if (a.lastActivityAt !== b.lastActivityAt) return b.lastActivityAt - a.lastActivityAt;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

function encodeCursor(row: ConversationRow): string {
  return Buffer.from(JSON.stringify([row.lastActivityAt, row.conversationId])).toString('base64url');
}

function decodeCursor(cursor: string): { lastActivityAt: number; conversationId: string } {
  try {
    const [lastActivityAt, conversationId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof lastActivityAt === 'number' && typeof conversationId === 'string')
      return { lastActivityAt, conversationId };
  } catch {
    // falls through to the refusal
  }
  throw new AppError('IM_ERR_BAD_REQUEST', 'cursor is not one this API gave');
}

/**
 * The user's conversation list, as a client draws its home screen: every direct and group
 * conversation plus the system one (`s:<userId>`: friend requests, transfers, notices), each with
 * its last message, sorted by last activity and paged. Store reads: the list, the read marks, one
 * batched read of all last messages (the sort needs every one), then the unread counts of the
 * page's conversations only.
 */
export async function listConversations(
  ctx: RoutesContext,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<ConversationPage> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const { memberships, conversations: all } = await userConversations(ctx.store, userId, { withSystem: true });
  const joined = new Map(memberships.map((m) => [groupConversationId(m.groupId), m.joinedSeq]));
  const direct = all.filter((c): c is ReadPosition & { kind: 'direct' } => c.kind === 'direct');
  const [peerReads, mutedList, last] = await Promise.all([
    ctx.store.conversations.readSeqsOf(directPeers(direct, userId)),
    ctx.store.conversations.mutedOf(userId),
    ctx.store.messages.lastOf(all),
  ]);
  const muted = new Set(mutedList);
  const rows = all.map((c) => {
    const floor = joined.get(c.conversationId) ?? 0;
    const stored = last.get(c.conversationId);
    // A member who joined after it does not see a group's earlier history, its last message included.
    const visible = stored !== undefined && stored.seq > floor ? lastMessageOf(stored) : null;
    return {
      ...c,
      ...(c.kind === 'direct' ? { peerReadSeq: peerReads.get(c.conversationId) ?? 0 } : {}),
      muted: muted.has(c.conversationId),
      lastMessage: visible,
      lastActivityAt: visible?.sendTime ?? 0,
    };
  });
  rows.sort(compareRows);
  const start = after === undefined ? 0 : rows.findIndex((r) => compareRows(r, after) > 0);
  const from = start < 0 ? rows.length : start;
  const pageRows = rows.slice(from, from + page.limit);
  const hasMore = from + page.limit < rows.length;
  const unread = await countUnread(ctx.store, userId, pageRows);
  const conversations = pageRows.map((r): ConversationRow => ({ ...r, unread: unread.get(r.conversationId) ?? 0 }));
  const lastRow = conversations.at(-1);
  return { conversations, hasMore, nextCursor: hasMore && lastRow ? encodeCursor(lastRow) : null };
}
