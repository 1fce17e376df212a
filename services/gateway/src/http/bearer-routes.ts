import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import type { RoutesContext } from './routes.context';

/**
 * A route's schema but its security (always `bearer`); `response` declares the one status the
 * route answers with: 200 or 201 with what its handler returns, or 204 (`NO_CONTENT`) with no body
 * once the handler is done.
 */
export type BearerSchema = Omit<FastifySchema, 'security' | 'response'> & {
  readonly response: { readonly 200: unknown } | { readonly 201: unknown } | { readonly 204: unknown };
};

/** The types a route gives its path parameters, body and query string (each checked against its schema). */
export interface RouteTypes {
  readonly Params?: unknown;
  readonly Body?: unknown;
  readonly Querystring?: unknown;
}

/** A request whose parts have the types the route declares. */
export type BearerRequest<T extends RouteTypes> = FastifyRequest & {
  readonly params: T extends { Params: infer P } ? P : unknown;
  readonly body: T extends { Body: infer B } ? B : unknown;
  readonly query: T extends { Querystring: infer Q } ? Q : unknown;
};

/** A route's handler: the caller's user id and the validated request in, the answer's body (if any) out. */
export type BearerHandler<T extends RouteTypes> = (userId: string, request: BearerRequest<T>) => Promise<unknown>;

type Register = <T extends RouteTypes = RouteTypes>(
  url: string,
  schema: BearerSchema,
  handler: BearerHandler<T>,
) => void;

/** Registers routes a signed-in user calls, by method, as fastify's `app.get(url, …)` does. */
export interface BearerRoutes {
  readonly get: Register;
  readonly post: Register;
  readonly put: Register;
  readonly patch: Register;
  readonly delete: Register;
}

/**
 * The routes a signed-in user calls (`security: 'bearer'`, checked by route-auth.ts before the
 * handler runs): each answers with the status its schema declares, and an error its handler
 * throws goes to the one error handler (http-errors.ts).
 */
export function bearerRoutes(app: FastifyInstance, ctx: RoutesContext): BearerRoutes {
  const register =
    (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'): Register =>
    <T extends RouteTypes>(url: string, schema: BearerSchema, handler: BearerHandler<T>): void => {
      const status = '204' in schema.response ? 204 : '201' in schema.response ? 201 : 200;
      app.route({
        method,
        url,
        schema: { security: 'bearer', ...schema },
        handler: async (request, reply) => {
          // Fastify validated the parts against the schema before the handler runs: they have the declared types.
          const value = await handler(ctx.auth(request).sub, request as BearerRequest<T>);
          return status === 204 ? reply.status(204).send() : reply.status(status).send(value);
        },
      });
    };
  return {
    get: register('GET'),
    post: register('POST'),
    put: register('PUT'),
    patch: register('PATCH'),
    delete: register('DELETE'),
  };
}
