import { AppError, verifyToken } from '@im/common';
import type { Clock, TokenClaims } from '@im/common';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { checkAdminToken } from './admin-auth';
import { bearerToken, rememberUser } from './http-auth';
import type { GatewaySettings } from '../gateway.config';
import type { RouteSecurity } from './openapi';

const SECURITIES: readonly RouteSecurity[] = ['bearer', 'admin', 'none'];

/** The claims of the client token a `bearer` route's request was let in with. */
const verifiedClaims = new WeakMap<FastifyRequest, TokenClaims>();

/** The secrets the hook checks with: IM_JWT_SECRET, and IM_ADMIN_TOKEN (unset: every `admin` route answers 403). */
export type RouteAuthSecrets = Pick<GatewaySettings, 'jwtSecret' | 'adminToken'>;

/** Throws at registration unless the route says who may call it (`schema.security`). */
export function requireDeclaredAuth(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): void {
  const security = route.schema?.security;
  if (security === undefined || !SECURITIES.includes(security)) {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    throw new Error(
      `route ${method} ${route.url} declares no auth: give its schema security: ${SECURITIES.map((s) => `'${s}'`).join(' | ')}`,
    );
  }
}

/**
 * The one place the HTTP API checks credentials. Every route declares `schema.security` (a route
 * without it fails to register), and this hook checks it before anything else of the request is
 * read: `bearer` a client JWT, `admin` IM_ADMIN_TOKEN, `none` nothing. A handler reads the
 * verified user with `claimsOf`. (Bans and revoked tokens: installAccessCheck, on every route.)
 * Install before any route is registered.
 */
export function installRouteAuth(app: FastifyInstance, secrets: RouteAuthSecrets, clock: Clock): void {
  app.addHook('onRoute', requireDeclaredAuth);
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const security = request.routeOptions.schema?.security;
    switch (security) {
      case 'none':
        return;
      case 'admin':
        return checkAdminToken(request, secrets.adminToken);
      case 'bearer': {
        const result = verifyToken(bearerToken(request), secrets.jwtSecret, clock.now());
        if (!result.ok) throw new AppError('IM_ERR_UNAUTHENTICATED', result.reason);
        rememberUser(request, result.claims.sub);
        verifiedClaims.set(request, result.claims);
        return;
      }
      case undefined:
        throw new AppError('IM_ERR_FORBIDDEN', 'this route declares no auth');
    }
  });
}

/** The user a `bearer` route's request authenticated as; a route declared otherwise has none (a bug: 500). */
export function claimsOf(request: FastifyRequest): TokenClaims {
  const claims = verifiedClaims.get(request);
  if (claims === undefined)
    throw new Error(`${request.method} ${request.url}: claimsOf on a route not declared 'bearer'`);
  return claims;
}
