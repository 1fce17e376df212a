import type { Bus } from '@im/bus';
import { AppError } from '@im/common';
import type { Clock, IdGenerator, Logger, TokenClaims } from '@im/common';
import { MAX_URL_LENGTH, urlProblem } from '@im/protocol';
import type { GroupMember, Store } from '@im/store';
import type { FastifyRequest } from 'fastify';
import type { GatewaySettings } from '../gateway.config';
import type { ServiceCommands } from '../service-commands';
import type { UserDirectory } from '../users/user-directory';

/** What every route module receives. */
export interface RoutesContext {
  readonly store: Store;
  readonly bus: Bus;
  /** Commands to the group, friend, wallet and call services, answered over the bus. */
  readonly commands: ServiceCommands;
  readonly settings: GatewaySettings;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Profiles: the sender faces, profile changes, bans. */
  readonly users: UserDirectory;
  /** The user a `bearer` route's request authenticated as (checked by route-auth.ts before the handler). */
  readonly auth: (request: FastifyRequest) => TokenClaims;
  /** True when every dependency answers (for /readyz). */
  readonly ready: () => Promise<boolean>;
}

/** A user or group id. (`examples` is for the API reference: Ajv knows the keyword, OpenAPI 3.1 shows it.) */
export const idSchema = { type: 'string', pattern: '^[A-Za-z0-9_.@-]{1,128}$', examples: ['alice'] } as const;

/** Path parameters of a route on one user (`/…/:userId`). */
export const userIdParams = { type: 'object', properties: { userId: idSchema } } as const;

/** Path parameters of a route on one money record, a transfer, red packet or collection (`/…/:id`). */
export const recordIdParams = { type: 'object', properties: { id: idSchema } } as const;

/** A group's or a user's name: 1 to 128 characters. */
export const nameSchema = { type: 'string', minLength: 1, maxLength: 128 } as const;

/** A body that changes some of `fields`: at least one of them, and nothing else. */
export const changeBody = <P extends Record<string, unknown>>(fields: P) =>
  ({ type: 'object', minProperties: 1, additionalProperties: false, properties: fields }) as const;

/** A URL field of a request body (avatars): '' clears it; otherwise http(s) only, as on the socket. */
export const urlFieldSchema = { type: 'string', maxLength: MAX_URL_LENGTH } as const;

/** Refuses with `IM_ERR_BAD_URL` unless `value` is absent, '' or an http(s) URL (url.format.ts). */
export function checkUrlField(name: string, value: string | undefined): void {
  const problem = value === undefined || value === '' ? undefined : urlProblem(value);
  if (problem !== undefined) throw new AppError('IM_ERR_BAD_URL', `${name} ${problem}`);
}

/** `userId`'s membership of the group; refuses with `IM_ERR_NOT_MEMBER` when they are not in it. */
export async function membershipOf(ctx: RoutesContext, groupId: string, userId: string): Promise<GroupMember> {
  const member = await ctx.store.groups.member(groupId, userId);
  if (!member) throw new AppError('IM_ERR_NOT_MEMBER');
  return member;
}
