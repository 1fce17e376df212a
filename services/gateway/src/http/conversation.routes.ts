import { AppError } from '@im/common';
import { directConversationId, groupConversationId, systemConversationId } from '@im/protocol';
import type { FastifyInstance } from 'fastify';
import { toWire } from '../socket/device-channel';
import { listConversations } from './conversation-list';
import { conversations, messagePage, object } from './api-schemas';
import { idSchema, membershipOf } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

interface MessagesQuery {
  peerId?: string;
  groupId?: string;
  system?: boolean;
  afterSeq?: number;
  beforeSeq?: number;
  limit?: number;
}

export function conversationRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  bearer.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/v1/conversations',
    {
      summary:
        'This user’s conversations, newest activity first, with the last message, unread count and mute; the system conversation included',
      response: { 200: conversations },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          cursor: { type: 'string', maxLength: 600, description: 'The nextCursor of the page before.' },
        },
      },
    },
    async (sub, request) => {
      const { limit, cursor } = request.query;
      return listConversations(ctx, sub, { limit: limit ?? 100, ...(cursor !== undefined ? { cursor } : {}) });
    },
  );

  // The user's mute setting of a conversation: a muted one produces no offline push (im.push.out).
  bearer.put<{ Body: { peerId?: string; groupId?: string; muted: boolean } }>(
    '/v1/conversations/mute',
    {
      summary: 'Mute or unmute a conversation (a muted one sends no offline push); give peerId or groupId',
      response: { 200: object({ conversationId: { type: 'string' }, muted: { type: 'boolean' } }) },
      body: {
        type: 'object',
        required: ['muted'],
        additionalProperties: false,
        properties: { peerId: idSchema, groupId: idSchema, muted: { type: 'boolean' } },
      },
    },
    async (sub, request) => {
      const { peerId, groupId, muted } = request.body;
      if ((peerId === undefined) === (groupId === undefined))
        throw new AppError('IM_ERR_BAD_REQUEST', 'give exactly one of peerId and groupId');
      let conversationId: string;
      if (groupId !== undefined) {
        await membershipOf(ctx, groupId, sub);
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
  bearer.get<{ Querystring: MessagesQuery }>(
    '/v1/messages',
    {
      summary:
        'A page of history: the newest (before beforeSeq), or with afterSeq the oldest after it; give peerId, groupId or system=true (the user’s notices)',
      response: { 200: messagePage },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          peerId: idSchema,
          groupId: idSchema,
          system: {
            type: 'boolean',
            description: 'The user’s own system conversation (friend requests, transfers, notices).',
          },
          afterSeq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          beforeSeq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
    },
    async (sub, request) => {
      const q = request.query;
      if ([q.peerId, q.groupId, q.system || undefined].filter((x) => x !== undefined).length !== 1)
        throw new AppError('IM_ERR_BAD_REQUEST', 'give exactly one of peerId, groupId and system=true');
      let conversationId: string;
      let floor = 0;
      if (q.system) {
        conversationId = systemConversationId(sub);
      } else if (q.groupId !== undefined) {
        conversationId = groupConversationId(q.groupId);
        floor = (await membershipOf(ctx, q.groupId, sub)).joinedSeq;
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
