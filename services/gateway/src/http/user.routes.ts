import { randomUUID } from 'node:crypto';
import { Topics } from '@im/bus';
import type { RelationCommand } from '@im/bus';
import { AppError } from '@im/common';
import { profilesOf } from '@im/store';
import type { ProfileChange, UserProfile } from '@im/store';
import type { FastifyInstance } from 'fastify';
import { TokenBucket } from '../socket/rate-limiter';
import { userProfile, userProfiles } from './api-schemas';
import { changeBody, checkUrlField, idSchema, nameSchema, urlFieldSchema, userIdParams } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

const SEARCH_LIMIT = 20;
const BATCH_LIMIT = 100;

/** Rows of users with the directory's name and avatar (one batch read), each row's own fields after. */
export async function withProfiles<T extends { userId: string }, R extends object>(
  ctx: RoutesContext,
  rows: readonly T[],
  rest: (row: T) => R,
): Promise<({ userId: string; name: string; avatar: string } & R)[]> {
  const profiles = await profilesOf(
    ctx.store.users,
    rows.map((r) => r.userId),
  );
  return rows.map((r, i) => {
    const p = profiles[i] as UserProfile;
    return { userId: r.userId, name: p.name, avatar: p.avatar, ...rest(r) };
  });
}

/**
 * The user directory: profiles by id, in batches, by search; `PUT /v1/profile` stores the
 * change, then the friend service tells every friend (26).
 */
export function userRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  const perMinute = ctx.settings.userSearchPerMinute ?? 30;
  const buckets = new Map<string, TokenBucket>();
  const takeSearch = (userId: string): boolean => {
    let bucket = buckets.get(userId);
    if (bucket === undefined) {
      if (buckets.size >= 10_000) buckets.clear();
      bucket = new TokenBucket(perMinute / 60, perMinute, ctx.clock);
      buckets.set(userId, bucket);
    }
    return bucket.take();
  };

  bearer.get<{ Querystring: { q: string } }>(
    '/v1/users/search',
    {
      summary: `Find users: the one whose id is exactly q, then those whose name starts with q (case-insensitive), at most ${SEARCH_LIMIT}; rate-limited per user`,
      querystring: {
        type: 'object',
        required: ['q'],
        additionalProperties: false,
        properties: { q: { type: 'string', minLength: 1, maxLength: 128 } },
      },
      response: { 200: userProfiles },
    },
    async (sub, request) => {
      if (!takeSearch(sub)) throw new AppError('IM_ERR_RATE_LIMITED', `at most ${perMinute} searches a minute`);
      const q = request.query.q.trim();
      if (q === '') throw new AppError('IM_ERR_BAD_REQUEST', 'q must not be blank');
      const [exact, named] = await Promise.all([ctx.store.users.get(q), ctx.store.users.searchByName(q, SEARCH_LIMIT)]);
      const users = [...(exact ? [exact] : []), ...named.filter((u) => u.userId !== exact?.userId)];
      return { users: users.slice(0, SEARCH_LIMIT) };
    },
  );

  bearer.get<{ Querystring: { ids: string } }>(
    '/v1/users',
    {
      summary: `Profiles of several users (ids comma-separated, at most ${BATCH_LIMIT}); a user the directory does not know is named by their id`,
      querystring: {
        type: 'object',
        required: ['ids'],
        additionalProperties: false,
        properties: { ids: { type: 'string', minLength: 1, maxLength: BATCH_LIMIT * 129 } },
      },
      response: { 200: userProfiles },
    },
    async (_userId, request) => {
      const ids = [...new Set(request.query.ids.split(',').map((s) => s.trim()))];
      if (ids.length > BATCH_LIMIT) throw new AppError('IM_ERR_BAD_REQUEST', `at most ${BATCH_LIMIT} ids`);
      const bad = ids.find((id) => !new RegExp(idSchema.pattern).test(id));
      if (bad !== undefined) throw new AppError('IM_ERR_BAD_REQUEST', `ids: '${bad}' is not a user id`);
      return { users: await profilesOf(ctx.store.users, ids) };
    },
  );

  bearer.get<{ Params: { userId: string } }>(
    '/v1/users/:userId',
    {
      summary: 'One user’s profile (404 when the directory does not know them)',
      params: userIdParams,
      response: { 200: userProfile },
    },
    async (_userId, request) => {
      const profile = await ctx.store.users.get(request.params.userId);
      if (profile === undefined) throw new AppError('IM_ERR_NOT_FOUND', 'no such user');
      return profile;
    },
  );

  bearer.put<{ Body: ProfileChange }>(
    '/v1/profile',
    {
      summary: 'Change this user’s name, avatar or signature: stored in the directory, then 26 to every friend',
      response: { 200: userProfile },
      body: changeBody({ name: nameSchema, avatar: urlFieldSchema, signature: { type: 'string', maxLength: 256 } }),
    },
    async (sub, request) => {
      const { name, avatar, signature } = request.body;
      checkUrlField('avatar', avatar);
      if (name !== undefined && name.trim() === '') throw new AppError('IM_ERR_BAD_REQUEST', 'name must not be blank');
      const change: ProfileChange = {
        ...(name !== undefined ? { name } : {}),
        ...(avatar !== undefined ? { avatar } : {}),
        ...(signature !== undefined ? { signature } : {}),
      };
      const profile = await ctx.users.update(sub, change);
      const command: RelationCommand = {
        kind: 'profile',
        userId: sub,
        profile: change,
        commandId: randomUUID(),
        at: ctx.clock.now(),
      };
      await ctx.commands.request(Topics.RELATION_COMMANDS, command);
      return profile;
    },
  );
}
