import type { Bus } from '@im/bus';
import { startPeriodicTask } from '@im/common';
import type { Clock, IdGenerator, Logger } from '@im/common';
import type { ChatroomStore, DeliveryPort, OnceStore, Presence } from '@im/realtime';
import { messageTypeLabel, processMetrics } from '@im/runtime';
import type { OpsBoard } from '@im/runtime';
import type { ImMessage } from '@im/protocol';
import type { Store } from '@im/store';
import fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Server } from 'socket.io';
import type { ServerOptions } from 'socket.io';
import type { GatewaySettings } from './gateway.config';
import { answerUpgradeOffersAsHttp } from './upgrade-offers';
import { blacklistRoutes } from './http/blacklist.routes';
import { callRoutes } from './http/call.routes';
import { consoleRoutes } from './http/console.routes';
import { conversationRoutes } from './http/conversation.routes';
import { friendRoutes } from './http/friend.routes';
import { groupRoutes } from './http/group.routes';
import { walletRoutes } from './http/wallet.routes';
import { pushRoutes } from './http/push.routes';
import { healthRoutes } from './http/health.routes';
import { adminRoutes } from './http/admin.routes';
import { adminUserRoutes } from './http/admin-users.routes';
import { claimsOf, installRouteAuth } from './http/route-auth';
import { mediaRoutes } from './http/media.routes';
import type { MediaDeps } from './http/media.routes';
import { userRoutes } from './http/user.routes';
import { installCors } from './http/cors';
import { installErrorHandler } from './http/http-errors';
import { installRequestValidation } from './http/request-validation';
import { asyncApiDocument } from './http/asyncapi';
import { docsRoutes } from './http/docs.routes';
import { collectOpenApi, documentOnlyResponseSchemas } from './http/openapi';
import type { RoutesContext } from './http/routes.context';
import { ServiceCommands } from './service-commands';
import type { ImServer } from './socket/socket.events';
import { CallForwarder } from './call/call.forwarder';
import { ChatroomController } from './chatroom/chatroom.controller';
import { ChatroomService } from './chatroom/chatroom.service';
import { ChatController } from './socket/chat.controller';
import { ChatService } from './socket/chat.service';
import { DeliveryRouter } from './socket/delivery.router';
import { PresenceNotifier } from './socket/presence.notifier';
import { SocketGateway } from './socket/socket.gateway';
import { HandshakeLimiter } from './security/handshake-limiter';
import { OriginPolicy } from './security/origin-policy';
import { Revocations } from './security/revocations';
import { AccessGate, installAccessCheck } from './security/access-gate';
import { UserDirectory } from './users/user-directory';

export interface GatewayDeps {
  readonly settings: GatewaySettings;
  readonly store: Store;
  readonly bus: Bus;
  readonly delivery: DeliveryPort;
  readonly presence: Presence;
  readonly once: OnceStore;
  /** Chatroom members, history and rate counters (cluster: Redis). */
  readonly chatrooms: ChatroomStore;
  readonly clock: Clock;
  /** Makes the ids of new groups, red packets, transfers and collections (the process's one generator). */
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Cluster mode passes the Redis adapter here; embedded keeps Socket.IO's in-memory one. */
  readonly adapter?: ServerOptions['adapter'];
  /** How often this gateway refreshes its presence records (cluster: TTL / 3); 0 = never. */
  readonly presenceRefreshMs?: number;
  /**
   * Embedded mode only: the web console may mint a dev token for any user id. Cluster mode
   * never sets it, so the endpoint does not exist there.
   */
  readonly consoleDevTokens?: boolean;
  /** Where the built console lives; default `services/gateway/dist/console` (written by `npm run build`). */
  readonly consoleDir?: string;
  /**
   * Cluster mode: the installation's operations board (every process's snapshot in Redis); the
   * console's operations view lists them all. Embedded mode has none: one process, one view.
   */
  readonly opsBoard?: OpsBoard;
  /** Extra readiness checks (bus connected, ...). */
  readonly readinessChecks?: readonly (() => Promise<boolean>)[];
  /** Cluster mode: refuses new messages while the message service is far behind (see BacklogGuard). */
  readonly backlog?: { admit(): Promise<void> };
  /** Uploads (docs/media.md): disk (embedded) or S3 (cluster); absent: the upload routes answer 503. */
  readonly media?: MediaDeps;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly io: ImServer;
  readonly sockets: SocketGateway;
  listen(port: number, host?: string): Promise<number>;
  /**
   * SIGTERM, step one: readiness turns false, new sockets are refused, and every connected
   * socket's transport is closed at a random moment within `windowMs`, so its client reconnects
   * elsewhere. Messages already accepted stay accepted: each was acknowledged only once durable.
   */
  drain(windowMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Shared between the HTTP readiness check and the socket middleware. */
interface DrainState {
  draining: boolean;
}

function buildHttp(
  deps: GatewayDeps,
  drain: DrainState,
  access: AccessGate,
  users: UserDirectory,
  origins: OriginPolicy,
): FastifyInstance {
  const app = fastify({
    // Request lines at info would log every call; the http logger keeps warnings and errors.
    loggerInstance: deps.logger.child({ module: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: deps.settings.maxMessageBytes,
  }) as unknown as FastifyInstance;
  installErrorHandler(app, deps.logger);
  installRequestValidation(app);
  documentOnlyResponseSchemas(app);
  installCors(app, origins);
  installAccessCheck(app, access, deps.settings.jwtSecret, deps.clock);
  installRouteAuth(app, deps.settings, deps.clock);
  const openapi = collectOpenApi(app, { title: 'IM gateway', version: '0.1.0' });
  const ctx: RoutesContext = {
    store: deps.store,
    bus: deps.bus,
    commands: new ServiceCommands(deps.bus, deps.logger.child({ module: 'commands' })),
    settings: deps.settings,
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    users,
    auth: claimsOf,
    ready: async () => {
      if (drain.draining) return false;
      const checks = [
        () => deps.store.ping(),
        ...(deps.media ? [() => (deps.media as MediaDeps).store.ping()] : []),
        ...(deps.readinessChecks ?? []),
      ];
      const results = await Promise.all(checks.map((c) => c().catch(() => false)));
      return results.every(Boolean);
    },
  };
  healthRoutes(app, ctx);
  groupRoutes(app, ctx);
  conversationRoutes(app, ctx);
  blacklistRoutes(app, ctx);
  callRoutes(app, ctx);
  friendRoutes(app, ctx);
  userRoutes(app, ctx);
  mediaRoutes(app, ctx, deps.media);
  adminRoutes(app, ctx);
  walletRoutes(app, ctx);
  pushRoutes(app, ctx);
  let document: unknown;
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This document: the HTTP API as OpenAPI 3.1',
        security: 'none',
        response: { 200: { type: 'object', description: 'An OpenAPI 3.1 document.' } },
      },
    },
    async () => (document ??= openapi.document()),
  );
  let asyncapi: unknown;
  app.get(
    '/asyncapi.json',
    {
      schema: {
        summary: 'The Socket.IO events and Kafka topics as AsyncAPI 3',
        security: 'none',
        response: { 200: { type: 'object', description: 'An AsyncAPI 3.0 document.' } },
      },
    },
    async () => (asyncapi ??= asyncApiDocument({ version: '0.1.0' })),
  );
  docsRoutes(app);
  if (deps.settings.consoleEnabled === true) {
    // From src/ (ts-jest) or dist/ alike: the Vite build lands in the package's dist/console.
    consoleRoutes(app, ctx, {
      dir: deps.consoleDir ?? resolve(__dirname, '..', 'dist', 'console'),
      devTokens: deps.consoleDevTokens === true,
      ...(deps.opsBoard ? { opsBoard: deps.opsBoard } : {}),
    });
  }
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics of this process',
        security: 'none',
        response: { 200: { type: 'string', contentMediaType: 'text/plain' } },
      },
    },
    async (_req, reply) => {
      const { contentType, body } = await processMetrics().scrape();
      return reply.type(contentType).send(body);
    },
  );
  return app;
}

/** The gateway: Socket.IO and the HTTP API on one server and port. */
export function createGateway(deps: GatewayDeps): Gateway {
  const drainState: DrainState = { draining: false };
  const revocations = new Revocations(deps.once, deps.settings.revocationTtlMs);
  const users = new UserDirectory(deps.store, deps.clock, deps.settings.profileCacheMs ?? 5000);
  const access = new AccessGate(revocations, users);
  const origins = new OriginPolicy(deps.settings.allowedOrigins);
  const app = buildHttp(deps, drainState, access, users, origins);
  const handshakes =
    deps.settings.handshakesPerIpPerMin > 0
      ? new HandshakeLimiter(deps.settings.handshakesPerIpPerMin, deps.settings.handshakeBurstPerIp, deps.clock)
      : undefined;
  const engineLog = deps.logger.child({ module: 'socket' });
  const io: ImServer = new Server(app.server, {
    allowEIO3: true,
    // Engine.IO handshakes only (not every poll): per-address rate first, then the browser origin.
    allowRequest: (req, callback) => {
      const address = req.socket.remoteAddress ?? 'unknown';
      if (handshakes && !handshakes.take(address)) {
        engineLog.info({ address }, 'handshake refused: too many from this address');
        return callback('too many handshakes from this address; retry later', false);
      }
      const origin = req.headers.origin;
      if (!origins.allows(origin, req.headers.host)) {
        engineLog.info({ address, origin }, 'handshake refused: origin not allowed');
        return callback('origin not allowed', false);
      }
      return callback(null, true);
    },
    // Lets browsers read polling responses from allowed origins (the check above does the refusing).
    // (A same-origin page, the console, needs no CORS headers: its origin is not listed here.)
    cors: {
      origin: (origin, callback) => callback(null, origin !== undefined && origins.allows(origin) ? origin : false),
    },
    maxHttpBufferSize: deps.settings.maxMessageBytes * 2 + 1024,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // Upgrade offers to other paths (h2c, ...) are answered as HTTP/1.1 (answerUpgradeOffersAsHttp).
    destroyUpgrade: false,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });
  answerUpgradeOffersAsHttp(app.server, io.path());
  // Registered before authentication: a draining gateway takes no new sockets.
  io.use((_socket, next) =>
    drainState.draining ? next(new Error('server draining: reconnect to another gateway')) : next(),
  );
  const log = deps.logger.child({ module: 'socket' });
  adminUserRoutes(app, {
    revocations,
    store: deps.store,
    io,
    clock: deps.clock,
    logger: deps.logger.child({ module: 'admin' }),
  });
  const metrics = processMetrics();
  const untrackConnections = metrics.trackConnections(() => io.engine.clientsCount);
  io.on('connection', (socket) => {
    const count = (payload: unknown): void => void metrics.messagesIn.inc({ type: messageTypeLabel(payload) });
    socket.on('chat', count);
    socket.on('chatroom', count);
  });
  // The router and the socket gateway refer to each other: the router is built first and reaches
  // the sockets through this holder once they exist.
  const holder: { sockets?: SocketGateway } = {};
  const router = new DeliveryRouter(
    deps.delivery,
    (channel, reason) => holder.sockets?.disconnect(channel, reason),
    log,
  );
  const service = new ChatService(deps.store, deps.bus, deps.once, deps.settings, deps.clock, users, deps.backlog);
  // Calls are the call service's: signals and device events go to it over the bus.
  const calls = new CallForwarder(deps.bus, deps.clock, log.child({ module: 'call' }), users);
  const controller = new ChatController(
    service,
    calls,
    deps.settings.maxMessageBytes,
    deps.clock,
    log,
    (code, seconds) => {
      metrics.ackLatency.observe({ outcome: code === 0 ? 'accepted' : 'refused' }, seconds);
      if (code !== 0) metrics.errors.inc({ code: String(code) });
    },
  );
  const observeDownlink = {
    sent: (m: ImMessage): void => void metrics.messagesOut.inc({ type: String(m.messageType) }),
    // Live deliveries and what sync sent again (time away, not delivery speed) are measured apart.
    acked: (m: ImMessage, path: 'live' | 'sync'): void => {
      if (typeof m.sendTime === 'number')
        (path === 'sync' ? metrics.syncDeliveryLatency : metrics.deliveryLatency).observe(
          Math.max(0, deps.clock.now() - m.sendTime) / 1000,
        );
    },
  };
  const chatroomService = new ChatroomService(
    io,
    deps.chatrooms,
    deps.settings,
    deps.clock,
    log.child({ module: 'chatroom' }),
  );
  const chatrooms = {
    service: chatroomService,
    controller: new ChatroomController(chatroomService, deps.settings.maxMessageBytes, () => deps.clock.now(), log),
  };
  const notifier = new PresenceNotifier({
    ...deps,
    logger: log,
    debounceMs: deps.settings.presenceDebounceMs,
    onGatewayLost: (gatewayId, userIds) => calls.gatewayLost(gatewayId, userIds),
  });
  const socketGateway = new SocketGateway({
    io,
    observeDownlink,
    store: deps.store,
    presence: deps.presence,
    router,
    controller,
    chatrooms,
    calls,
    notifier,
    settings: deps.settings,
    clock: deps.clock,
    logger: log,
    access,
    users,
  });
  holder.sockets = socketGateway;
  const refresh = deps.presenceRefreshMs
    ? startPeriodicTask(
        () =>
          Promise.all([
            deps.presence
              .refresh(deps.settings.gatewayId, socketGateway.sessions())
              .catch((err: unknown) => log.warn({ err }, 'presence refresh failed')),
            deps.chatrooms
              .refresh(chatroomService.all())
              .catch((err: unknown) => log.warn({ err }, 'chatroom refresh failed')),
            notifier.sweepCrashed().catch((err: unknown) => log.warn({ err }, 'dead gateway sweep failed')),
          ]),
        { name: 'presence refresh', everyMs: deps.presenceRefreshMs, logger: log },
      )
    : undefined;
  return {
    app,
    io,
    sockets: socketGateway,
    async listen(port: number, host = '0.0.0.0'): Promise<number> {
      // What the message service routes to this gateway, subscribed before any session is recorded.
      await deps.delivery.serveGateway(deps.settings.gatewayId);
      await app.listen({ port, host });
      return (app.server.address() as AddressInfo).port;
    },
    async drain(windowMs: number): Promise<void> {
      drainState.draining = true;
      const sockets = [...io.of('/').sockets.values()];
      log.info({ sockets: sockets.length, windowMs }, 'draining: moving sockets to other gateways');
      // Closing the transport (not `socket.disconnect()`) makes clients reconnect by themselves,
      // through the load balancer to another pod; spreading it keeps them from arriving at once.
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                socket.conn.close();
                resolve();
              }, Math.random() * windowMs);
              timer.unref();
            }),
        ),
      );
    },
    async close(): Promise<void> {
      await refresh?.stop();
      untrackConnections();
      notifier.close();
      // `local`: with the Redis adapter a plain disconnectSockets would close every gateway's sockets.
      io.local.disconnectSockets(true);
      const closed = new Promise<void>((resolve) => void io.close(() => resolve()));
      // A keep-alive HTTP connection the server does not count as idle (seen after an upload's PUT)
      // would otherwise hold the close for fastify's keepAliveTimeout (72 s).
      app.server.closeAllConnections();
      await closed;
      await socketGateway.cursors.close();
      await app.close();
    },
  };
}
