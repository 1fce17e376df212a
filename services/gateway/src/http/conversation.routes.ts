import { AppError } from '@im/common';
import { MESSAGE_TYPES, directConversationId, groupConversationId } from '@im/protocol';
import type { FastifyInstance } from 'fastify';
import { directPeers, toWire } from '../socket/device-channel';
import { conversations, messagePage, object } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';

const UNREAD_TYPES = MESSAGE_TYPES.filter((t) => t.unread).map((t) => t.type);

interface MessagesQuery {
  peerId?: string;
  groupId?: string;
  afterSeq?: number;
  beforeSeq?: number;
  limit?: number;
}

export function conversationRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.get(
    '/v1/conversations',
    {
      schema: {
        summary: 'This user’s conversations: max seq, read marks, unread count, mute',
        response: { 200: conversations },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      const memberships = await ctx.store.groups.groupsOf(sub);
      const joined = new Map(memberships.map((m) => [groupConversationId(m.groupId), m.joinedSeq]));
      const list = await ctx.store.conversations.listForUser(
        sub,
        memberships.map((m) => m.groupId),
      );
      const [reads, peerReads, mutedList] = await Promise.all([
        ctx.store.conversations.readSeqs(
          sub,
          list.map((c) => c.conversationId),
        ),
        ctx.store.conversations.readSeqsOf(directPeers(list, sub)),
        ctx.store.conversations.mutedOf(sub),
      ]);
      const muted = new Set(mutedList);
      const conversations = await Promise.all(
        list.map(async (c) => {
          const readSeq = Math.max(reads.get(c.conversationId) ?? 0, joined.get(c.conversationId) ?? 0);
          const unread =
            c.maxSeq > readSeq ? await ctx.store.messages.countUnread(c.conversationId, readSeq, sub, UNREAD_TYPES) : 0;
          // 1:1: how far the other side has read (its 33s), so a sender offline at the time still learns it.
          const peerReadSeq = c.kind === 'direct' ? { peerReadSeq: peerReads.get(c.conversationId) ?? 0 } : {};
          return { ...c, readSeq, ...peerReadSeq, unread, muted: muted.has(c.conversationId) };
        }),
      );
      return { conversations };
    },
  );

  // The user's mute setting of a conversation: a muted one produces no offline push (im.push.out).
  app.put<{ Body: { peerId?: string; groupId?: string; muted: boolean } }>(
    '/v1/conversations/mute',
    {
      schema: {
        summary: 'Mute or unmute a conversation (a muted one sends no offline push); give peerId or groupId',
        response: { 200: object({ conversationId: { type: 'string' }, muted: { type: 'boolean' } }) },
        body: {
          type: 'object',
          required: ['muted'],
          additionalProperties: false,
          properties: { peerId: idSchema, groupId: idSchema, muted: { type: 'boolean' } },
        },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      const { peerId, groupId, muted } = request.body;
      if ((peerId === undefined) === (groupId === undefined))
        throw new AppError('IM_ERR_BAD_REQUEST', 'give exactly one of peerId and groupId');
      let conversationId: string;
      if (groupId !== undefined) {
        if (!(await ctx.store.groups.member(groupId, sub))) throw new AppError('IM_ERR_NOT_MEMBER');
        conversationId = groupConversationId(groupId);
      } else {
        if (peerId === sub) throw new AppError('IM_ERR_BAD_REQUEST', 'cannot mute yourself');
        conversationId = directConversationId(sub, peerId ?? '');
      }
      await ctx.store.conversations.setMuted(sub, conversationId, muted);
      return { conversationId, muted };
    },
  );

  // History, one page at a time (docs/protocol-notes.md, "History pages"). Without afterSeq: the
  // newest page (before beforeSeq when given), walked back with nextBeforeSeq. With afterSeq: the
  // oldest page after it (afterSeq=0 from the start), walked forward with nextAfterSeq. Either
  // way the page is in ascending seq order, and one extra row read tells whether there is more.
  app.get<{ Querystring: MessagesQuery }>(
    '/v1/messages',
    {
      schema: {
        summary:
          'A page of history: the newest (before beforeSeq), or with afterSeq the oldest after it; give peerId or groupId',
        response: { 200: messagePage },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            peerId: idSchema,
            groupId: idSchema,
            afterSeq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
            beforeSeq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      const q = request.query;
      if ((q.peerId === undefined) === (q.groupId === undefined))
        throw new AppError('IM_ERR_BAD_REQUEST', 'give exactly one of peerId and groupId');
      let conversationId: string;
      let floor = 0;
      if (q.groupId !== undefined) {
        const member = await ctx.store.groups.member(q.groupId, sub);
        if (!member) throw new AppError('IM_ERR_NOT_MEMBER');
        conversationId = groupConversationId(q.groupId);
        floor = member.joinedSeq;
      } else {
        conversationId = directConversationId(sub, q.peerId ?? '');
      }
      const limit = q.limit ?? 50;
      const forward = q.afterSeq !== undefined;
      const afterSeq = Math.max(q.afterSeq ?? 0, floor);
      const rows = await ctx.store.messages.range(conversationId, {
        afterSeq,
        ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : {}),
        limit: limit + 1,
        from: forward ? 'oldest' : 'newest',
      });
      const hasMore = rows.length > limit;
      // The extra row is the one beyond the page: the newest when reading forward, the oldest when back.
      const page = hasMore ? (forward ? rows.slice(0, limit) : rows.slice(1)) : rows;
      const messages = page.map(toWire);
      if (forward) {
        return { conversationId, messages, hasMore, nextAfterSeq: page.at(-1)?.seq ?? afterSeq };
      }
      return { conversationId, messages, hasMore, nextBeforeSeq: hasMore ? (page[0]?.seq ?? null) : null };
    },
  );
}
