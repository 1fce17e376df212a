import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { GroupCommand, GroupCommandResult } from '@im/bus';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';
import type { BearerRequest, BearerSchema } from './bearer-routes';

export const groupParams = { type: 'object', properties: { groupId: idSchema } } as const;
export const memberParams = { type: 'object', properties: { groupId: idSchema, userId: idSchema } } as const;

type GroupCommandStamp = { groupId: string; userId: string; commandId: string; at: number };
type WithoutStamp<C> = C extends unknown ? Omit<C, keyof GroupCommandStamp> : never;
/** What a group command says besides its stamp: its kind and that kind's fields. */
export type GroupCommandDetail = WithoutStamp<Exclude<GroupCommand, { kind: 'create' }>>;

/** What every group route uses: the command sender, the command stamp, and the route that sends one command. */
export interface GroupRouteKit {
  /** Sends a group command (request/reply keyed by the group id) and returns its value. */
  readonly send: <T extends GroupCommandResult = GroupCommandResult>(command: GroupCommand) => Promise<T>;
  /** The fields every command but `create` carries: the group, the acting user, a fresh command id, now. */
  readonly stamp: (groupId: string, userId: string) => GroupCommandStamp;
  /** Registers a route on `/v1/groups/:groupId…` that sends the caller's command `detail(request)` and answers 204. */
  readonly commandRoute: <R extends { Params: { groupId: string }; Body?: unknown }>(
    method: 'post' | 'put' | 'delete',
    url: string,
    schema: Omit<BearerSchema, 'response'>,
    detail: (request: BearerRequest<R>) => GroupCommandDetail,
  ) => void;
}

export function groupRouteKit(app: FastifyInstance, ctx: RoutesContext): GroupRouteKit {
  const bearer = bearerRoutes(app, ctx);
  const send = <T extends GroupCommandResult = GroupCommandResult>(command: GroupCommand): Promise<T> =>
    ctx.commands.request<typeof Topics.GROUP_COMMANDS, T>(Topics.GROUP_COMMANDS, command);
  const stamp = (groupId: string, userId: string): GroupCommandStamp => ({
    groupId,
    userId,
    commandId: randomUUID(),
    at: ctx.clock.now(),
  });
  function commandRoute<R extends { Params: { groupId: string }; Body?: unknown }>(
    method: 'post' | 'put' | 'delete',
    url: string,
    schema: Omit<BearerSchema, 'response'>,
    detail: (request: BearerRequest<R>) => GroupCommandDetail,
  ): void {
    bearer[method]<R>(url, { ...schema, response: { 204: NO_CONTENT } }, async (sub, request) => {
      await send({ ...stamp(request.params.groupId, sub), ...detail(request) });
    });
  }
  return { send, stamp, commandRoute };
}
