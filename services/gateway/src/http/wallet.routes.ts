import { Topics, passwordHash } from '@im/bus';
import type { WalletCommand, WalletOutcome } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { inConversationOf, moneyRecordId } from './money-ids';
import { redPacket, redPacketOpened, redPacketSent, transfer, transferOutcome, wallet, walletOp } from './api-schemas';
import {
  collectionRoutes,
  countSchema,
  keySchema,
  money,
  noteSchema,
  targetSchema,
  toUserBody,
} from './collection.routes';
import { idSchema, recordIdParams } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

/** A password red packet's password: the exact text a member sends in the group to open it. */
const passwordSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

/**
 * Wallet, admin money movements and red packets (docs/money.md). The wallet service owns every
 * change; the gateway authenticates, validates, names what a request makes (money-ids.ts) and
 * forwards.
 */
export function walletRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  const send = (command: WalletCommand): Promise<WalletOutcome> =>
    ctx.commands.request(Topics.WALLET_COMMANDS, command);
  // The one admin credential of the gateway: `Authorization: Bearer <IM_ADMIN_TOKEN>`.

  bearer.get('/v1/wallet', { summary: 'This user’s balance', response: { 200: wallet } }, async (sub) => {
    return { userId: sub, balance: (await ctx.store.ledger.head(sub))?.balance ?? 0 };
  });

  const adminBody = {
    type: 'object',
    required: ['userId', 'amount', 'idempotencyKey'],
    additionalProperties: false,
    properties: { userId: idSchema, amount: money, idempotencyKey: keySchema },
  } as const;
  for (const kind of ['topup', 'withdraw'] as const) {
    app.post<{ Body: { userId: string; amount: number; idempotencyKey: string } }>(
      `/v1/admin/wallet/${kind}`,
      {
        schema: {
          summary:
            kind === 'topup'
              ? 'Add money to a user’s wallet (admin; idempotent by idempotencyKey)'
              : 'Take money out of a user’s wallet (admin; idempotent by idempotencyKey)',
          security: 'admin',
          body: adminBody,
          response: { 200: walletOp },
        },
      },
      async (request) => {
        const { userId, amount, idempotencyKey } = request.body;
        return send({ kind, userId, amount, key: idempotencyKey, at: ctx.clock.now() });
      },
    );
  }

  bearer.post<{
    Body: {
      to: { type: 'user' | 'group'; id: string };
      kind: 'equal' | 'lucky' | 'password';
      total: number;
      count: number;
      msg?: string;
      password?: string;
      requestId: string;
    };
  }>(
    '/v1/red-packets',
    {
      summary: 'Send a red packet to a user or a group (17 in the conversation); idempotent by requestId',
      response: { 201: redPacketSent },
      body: {
        type: 'object',
        required: ['to', 'kind', 'total', 'count', 'requestId'],
        additionalProperties: false,
        properties: {
          to: targetSchema,
          kind: { type: 'string', enum: ['equal', 'lucky', 'password'] },
          total: money,
          count: countSchema,
          msg: noteSchema,
          password: passwordSchema,
          requestId: keySchema,
        },
      },
    },
    async (sub, request) => {
      const b = request.body;
      if ((b.kind === 'password') !== (b.password !== undefined))
        throw new AppError('IM_ERR_BAD_REQUEST', 'a password red packet needs a password, and only it has one');
      if (b.kind === 'password' && b.to.type !== 'group')
        throw new AppError('IM_ERR_BAD_REQUEST', 'a password red packet goes to a group');
      // The same sender and requestId name the same packet: a retry is the same command again.
      const packetId = await moneyRecordId(ctx, 'red-packet', sub, b.requestId);
      return send({
        kind: 'red-packet-send',
        packetId,
        senderId: sub,
        targetType: b.to.type,
        targetId: b.to.id,
        packetKind: b.kind,
        total: b.total,
        count: b.count,
        msg: b.msg ?? '',
        ...(b.password !== undefined ? { passwordHash: passwordHash(packetId, b.password) } : {}),
        at: ctx.clock.now(),
      });
    },
  );

  bearer.post<{ Body: { toUserId: string; amount: number; msg?: string; requestId: string } }>(
    '/v1/transfers',
    {
      summary: 'Transfer money to a user (18); they accept (20) or it returns (21); idempotent by requestId',
      response: { 201: transferOutcome },
      body: toUserBody,
    },
    async (sub, request) => {
      const b = request.body;
      if (b.toUserId === sub) throw new AppError('IM_ERR_BAD_REQUEST', 'cannot transfer to yourself');
      const transferId = await moneyRecordId(ctx, 'transfer', sub, b.requestId);
      return send({
        kind: 'transfer-send',
        transferId,
        fromId: sub,
        toId: b.toUserId,
        amount: b.amount,
        msg: b.msg ?? '',
        at: ctx.clock.now(),
      });
    },
  );
  for (const [action, kind] of [
    ['accept', 'transfer-accept'],
    ['return', 'transfer-return'],
  ] as const) {
    bearer.post<{ Params: { id: string } }>(
      `/v1/transfers/:id/${action}`,
      {
        summary:
          action === 'accept'
            ? 'Accept a transfer made to you (20 to the sender)'
            : 'Return a transfer made to you (21 to the sender)',
        params: recordIdParams,
        response: { 200: transferOutcome },
      },
      async (sub, request) => {
        return send({ kind, transferId: request.params.id, userId: sub, at: ctx.clock.now() });
      },
    );
  }
  bearer.get<{ Params: { id: string } }>(
    '/v1/transfers/:id',
    { summary: 'A transfer you made or received', params: recordIdParams, response: { 200: transfer } },
    async (sub, request) => {
      const t = await ctx.store.transfers.get(request.params.id);
      if (!t || t.state === 'failed' || (t.fromId !== sub && t.toId !== sub))
        throw new AppError('IM_ERR_NOT_FOUND', 'no such transfer');
      return {
        transferId: t.transferId,
        fromId: t.fromId,
        toId: t.toId,
        amount: t.amount,
        msg: t.msg,
        state: t.state,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
      };
    },
  );

  collectionRoutes(app, ctx, send);

  // The body is optional (only a password packet needs one): no body reads as {}.
  bearer.post<{ Params: { id: string }; Body: { password?: string } | undefined }>(
    '/v1/red-packets/:id/open',
    {
      summary: 'Open a red packet: your share (19 to the sender); a password packet needs its password',
      params: recordIdParams,
      body: { type: 'object', additionalProperties: false, properties: { password: passwordSchema } },
      response: { 200: redPacketOpened },
    },
    async (sub, request) => {
      const password = request.body?.password;
      const packetId = request.params.id;
      return send({
        kind: 'red-packet-open',
        packetId,
        userId: sub,
        ...(password !== undefined ? { passwordHash: passwordHash(packetId, password) } : {}),
        via: 'api',
        at: ctx.clock.now(),
      });
    },
  );

  bearer.get<{ Params: { id: string } }>(
    '/v1/red-packets/:id',
    {
      summary: 'A red packet in one of your conversations, with who opened it',
      params: recordIdParams,
      response: { 200: redPacket },
    },
    async (sub, request) => {
      const packet = await ctx.store.redPackets.get(request.params.id);
      if (!packet || packet.state === 'failed') throw new AppError('IM_ERR_NOT_FOUND', 'no such red packet');
      if (!(await inConversationOf(ctx, sub, { ...packet, posterId: packet.senderId })))
        throw new AppError('IM_ERR_FORBIDDEN', 'this red packet is not in a conversation of yours');
      const claims = await ctx.store.redPackets.claims(packet.packetId);
      return {
        packetId: packet.packetId,
        senderId: packet.senderId,
        to: { type: packet.targetType, id: packet.targetId },
        kind: packet.kind,
        total: packet.total,
        count: packet.shares.length,
        msg: packet.msg,
        state: packet.state,
        createdAt: packet.createdAt,
        expiresAt: packet.expiresAt,
        claims: claims
          .filter((c) => !c.userId.startsWith('@'))
          .map((c) => ({ userId: c.userId, amount: c.amount, at: c.at })),
        refunded: claims.filter((c) => c.userId.startsWith('@')).reduce((sum, c) => sum + c.amount, 0),
      };
    },
  );
}
