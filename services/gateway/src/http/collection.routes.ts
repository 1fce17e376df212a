import type { WalletCommand, WalletOutcome } from '@im/bus';
import { AppError } from '@im/common';
import type { FastifyInstance } from 'fastify';
import { collection, collectionCreated, collectionPaid } from './api-schemas';
import { inConversationOf, moneyRecordId } from './money-ids';
import { idSchema, recordIdParams } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

/** An amount in fen. */
export const money = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
/** An idempotency key a client chooses. */
export const keySchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
/** Where money is posted: a user (a 1:1 conversation) or a group. */
export const targetSchema = {
  type: 'object',
  required: ['type', 'id'],
  additionalProperties: false,
  properties: { type: { type: 'string', enum: ['user', 'group'] }, id: idSchema },
} as const;
/** A note with money (a red packet's, a transfer's, a collection's). */
export const noteSchema = { type: 'string', maxLength: 256 } as const;
/** How many shares (a red packet's) or payments (a collection's) at most. */
export const countSchema = { type: 'integer', minimum: 1, maximum: 100000 } as const;
/** The body of a transfer and of a payment request: the other user, an amount in fen, a note, an idempotency key. */
export const toUserBody = {
  type: 'object',
  required: ['toUserId', 'amount', 'requestId'],
  additionalProperties: false,
  properties: { toUserId: idSchema, amount: money, msg: noteSchema, requestId: keySchema },
} as const;

/** AA collections (40) and payment requests (41) (docs/money.md), sent to the wallet service with `send`. */
export function collectionRoutes(
  app: FastifyInstance,
  ctx: RoutesContext,
  send: (command: WalletCommand) => Promise<WalletOutcome>,
): void {
  const bearer = bearerRoutes(app, ctx);
  bearer.post<{
    Body: {
      to: { type: 'user' | 'group'; id: string };
      amount: number;
      count?: number;
      totalAmt?: number;
      msg?: string;
      requestId: string;
    };
  }>(
    '/v1/collections',
    {
      summary: 'Start an AA collection in a conversation (the server posts the 40); idempotent by requestId',
      response: { 201: collectionCreated },
      body: {
        type: 'object',
        required: ['to', 'amount', 'requestId'],
        additionalProperties: false,
        properties: {
          to: targetSchema,
          amount: money,
          count: countSchema,
          totalAmt: money,
          msg: noteSchema,
          requestId: keySchema,
        },
      },
    },
    async (sub, request) => {
      const b = request.body;
      const count = b.count ?? 1;
      return send({
        kind: 'collection-create',
        collectionId: await moneyRecordId(ctx, 'collection', sub, b.requestId),
        collectionKind: 'aa',
        collectorId: sub,
        targetType: b.to.type,
        targetId: b.to.id,
        amount: b.amount,
        count,
        totalAmt: b.totalAmt ?? b.amount * count,
        msg: b.msg ?? '',
        at: ctx.clock.now(),
      });
    },
  );
  bearer.post<{ Body: { toUserId: string; amount: number; msg?: string; requestId: string } }>(
    '/v1/payment-requests',
    {
      summary: 'Ask a user for money (41); idempotent by requestId',
      response: { 201: collectionCreated },
      body: toUserBody,
    },
    async (sub, request) => {
      const b = request.body;
      return send({
        kind: 'collection-create',
        collectionId: await moneyRecordId(ctx, 'collection', sub, b.requestId),
        collectionKind: 'request',
        collectorId: sub,
        targetType: 'user',
        targetId: b.toUserId,
        amount: b.amount,
        count: 1,
        totalAmt: b.amount,
        msg: b.msg ?? '',
        at: ctx.clock.now(),
      });
    },
  );
  bearer.post<{ Params: { id: string }; Body: { requestId: string } }>(
    '/v1/collections/:id/pay',
    {
      summary: 'Pay your share of a collection or a payment request; idempotent by requestId',
      params: recordIdParams,
      body: {
        type: 'object',
        required: ['requestId'],
        additionalProperties: false,
        properties: { requestId: keySchema },
      },
      response: { 200: collectionPaid },
    },
    async (sub, request) => {
      return send({
        kind: 'collection-pay',
        collectionId: request.params.id,
        payerId: sub,
        requestKey: request.body.requestId,
        at: ctx.clock.now(),
      });
    },
  );
  bearer.get<{ Params: { id: string } }>(
    '/v1/collections/:id',
    {
      summary: 'A collection or payment request, with who paid',
      params: recordIdParams,
      response: { 200: collection },
    },
    async (sub, request) => {
      const c = await ctx.store.collections.get(request.params.id);
      if (!c || !(await inConversationOf(ctx, sub, { ...c, posterId: c.collectorId })))
        throw new AppError('IM_ERR_NOT_FOUND', 'no such collection');
      const seats = await ctx.store.collections.seats(c.collectionId);
      const ops = await Promise.all(seats.map((seat) => ctx.store.ledger.op(`pcp:${c.collectionId}:${seat.slot}`)));
      return {
        collectionId: c.collectionId,
        kind: c.kind,
        collectorId: c.collectorId,
        to: { type: c.targetType, id: c.targetId },
        amount: c.amount,
        count: c.count,
        totalAmt: c.totalAmt,
        msg: c.msg,
        state: c.state,
        createdAt: c.createdAt,
        expiresAt: c.expiresAt,
        payments: seats
          .filter((_, i) => ops[i]?.state === 'completed')
          .map((seat) => ({ payerId: seat.payerId, at: seat.at })),
      };
    },
  );
}
