import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, signToken } from '@im/common';
import { Topics } from '@im/bus';
import type { WalletCommand } from '@im/bus';
import { processMetrics, startOpsPublisher } from '@im/runtime';
import type { OpsBoard, ProcessOps } from '@im/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackAddress, requireLoopback } from './loopback';
import { opsSnapshot } from './ops.snapshot';
import { protocolReference } from './protocol.reference';
import { object } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';

export interface ConsoleOptions {
  /** The Vite build of `console/` (index.html and assets/). */
  readonly dir: string;
  /** Embedded mode only: `POST /console/api/dev-token` mints a client token for any user id. */
  readonly devTokens: boolean;
  /** Cluster mode: the board every process publishes its snapshot to; the ops view lists them all. */
  readonly opsBoard?: OpsBoard;
}

/** How long a console dev token lives. */
export const DEV_TOKEN_HOURS = 24;
/** The most one dev top-up adds (fen): 10,000.00 — enough to try red packets, bounded all the same. */
export const DEV_TOPUP_MAX_FEN = 1_000_000;

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};
/** Asset names as Vite writes them (`index-3f2a1b.js`): no slash, no `..`. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(js|css|svg|png|ico|json)$/;
const devTokenBody = {
  type: 'object',
  required: ['userId'],
  additionalProperties: false,
  properties: { userId: idSchema, name: { type: 'string', maxLength: 64 } },
} as const;
const devTopupBody = {
  type: 'object',
  required: ['amount'],
  additionalProperties: false,
  properties: { amount: { type: 'integer', minimum: 1, maximum: DEV_TOPUP_MAX_FEN } },
} as const;

function contentType(file: string): string {
  return TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
}

const byRoleThenInstance = (a: ProcessOps, b: ProcessOps): number =>
  a.role.localeCompare(b.role) || a.instance.localeCompare(b.instance);

/** Every live process's last snapshot, from the installation's board. */
function clusterProcesses(board: OpsBoard): () => Promise<ProcessOps[]> {
  return async () => {
    let all: ProcessOps[];
    try {
      all = await board.list<ProcessOps>();
    } catch (e) {
      throw new AppError('IM_ERR_UNAVAILABLE', 'the operations board (Redis) did not answer; retry', e);
    }
    return all.sort(byRoleThenInstance);
  };
}

/** Embedded mode: one process; a snapshot taken at each reading. */
function embeddedProcess(ctx: RoutesContext): () => Promise<ProcessOps[]> {
  // Nothing to share with: the snapshot is answered directly.
  const board: OpsBoard = { publish: async () => undefined, remove: async () => undefined, list: async () => [] };
  const local = startOpsPublisher(
    board,
    {
      role: 'embedded',
      instance: ctx.settings.gatewayId,
      intervalMs: 1000,
      ttlMs: 2000,
      logger: ctx.logger,
      now: () => ctx.clock.now(),
    },
    false,
  );
  return async () => [await local.publishNow()];
}

/**
 * The web console (docs/console.md): the built page under `/console/`, its assets, the protocol
 * reference built from the registry, and in embedded mode a dev-token endpoint. Files are read
 * from disk per request (they are small and the console is a developer tool), never from a CDN.
 */
export function consoleRoutes(app: FastifyInstance, ctx: RoutesContext, options: ConsoleOptions): void {
  const reference = protocolReference();
  const sendFile = async (reply: FastifyReply, path: string, cache: string): Promise<FastifyReply> => {
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      throw new AppError('IM_ERR_NOT_FOUND', 'console file not found (is the console built? `npm run build`)');
    }
    return reply.type(contentType(path)).header('cache-control', cache).send(body);
  };
  app.get(
    '/console',
    {
      schema: {
        summary: 'Redirects to /console/',
        security: 'none',
        response: { 302: { type: 'null', description: 'To /console/.' } },
      },
    },
    async (_req, reply) => reply.redirect('/console/'),
  );
  app.get(
    '/console/',
    {
      schema: {
        summary: 'The web console (a page)',
        security: 'none',
        response: { 200: { type: 'string', contentMediaType: 'text/html' } },
      },
    },
    async (_req, reply) => sendFile(reply, join(options.dir, 'index.html'), 'no-cache'),
  );
  app.get<{ Params: { file: string } }>(
    '/console/assets/:file',
    {
      schema: {
        summary: 'A file of the console’s build (JavaScript, CSS, images)',
        security: 'none',
        response: { 200: { type: 'string', contentMediaType: 'application/octet-stream' } },
      },
    },
    async (request, reply) => {
      const file = request.params.file;
      if (!ASSET_NAME.test(file)) throw new AppError('IM_ERR_NOT_FOUND', 'no such console asset');
      // Vite puts a content hash in every asset name: a name never changes its bytes.
      return sendFile(reply, join(options.dir, 'assets', file), 'public, max-age=31536000, immutable');
    },
  );
  app.get(
    '/console/api/protocol.json',
    {
      schema: {
        summary: 'The protocol reference the console shows, built from the message type registry',
        security: 'none',
        response: {
          200: object({ types: { type: 'array', items: { type: 'object' } } }, { title: 'ProtocolReference' }),
        },
      },
    },
    async () => reference,
  );
  // devTokens: whether this client may use them (embedded mode, and from this machine).
  app.get(
    '/console/api/info',
    {
      schema: {
        summary: 'What the console may offer this client',
        security: 'none',
        response: {
          200: object({
            devTokens: { type: 'boolean', description: 'Embedded mode, from this machine.' },
            gatewayId: { type: 'string' },
          }),
        },
      },
    },
    async (request) => ({
      devTokens: options.devTokens && isLoopbackAddress(request.socket.remoteAddress),
      gatewayId: ctx.settings.gatewayId,
    }),
  );
  // The operations view, behind the admin token (IM_ADMIN_TOKEN): this process's figures, and
  // every process of the installation (cluster: from the board in Redis; embedded: this one, its
  // rates over the time since the previous reading).
  const processes = options.opsBoard ? clusterProcesses(options.opsBoard) : embeddedProcess(ctx);
  app.get(
    '/console/api/ops',
    {
      schema: {
        summary: 'The operations view: this process’s figures and every live process’s snapshot (admin)',
        security: 'admin',
        response: {
          200: object(
            {
              mode: { type: 'string', enum: ['embedded', 'cluster'] },
              processes: { type: 'array', items: { type: 'object' } },
            },
            { title: 'OpsView' },
          ),
        },
      },
    },
    async (_request, reply) => {
      const [self, all] = await Promise.all([
        opsSnapshot(processMetrics(), ctx.settings.gatewayId, ctx.clock.now()),
        processes(),
      ]);
      return reply
        .header('cache-control', 'no-store')
        .send({ ...self, mode: options.opsBoard ? 'cluster' : 'embedded', processes: all });
    },
  );
  if (!options.devTokens) return;
  // Loopback clients only, checked before the body: a token for any user is a developer's tool.
  const loopbackOnly =
    (what: string) =>
    async (request: FastifyRequest): Promise<void> =>
      requireLoopback(request, what);
  app.post<{ Body: { userId: string; name?: string } }>(
    '/console/api/dev-token',
    {
      onRequest: loopbackOnly('the dev-token endpoint'),
      schema: {
        summary: 'Mint a client token for any user (embedded mode, loopback clients only)',
        security: 'none',
        body: devTokenBody,
        response: {
          200: object({ userId: { type: 'string' }, token: { type: 'string' }, expiresAt: { type: 'integer' } }),
        },
      },
    },
    async (request) => {
      const { userId, name } = request.body;
      const exp = Math.floor(ctx.clock.now() / 1000) + DEV_TOKEN_HOURS * 3600;
      ctx.logger.info({ userId }, 'console: dev token minted');
      return {
        userId,
        token: signToken({ sub: userId, ...(name ? { name } : {}), exp }, ctx.settings.jwtSecret),
        expiresAt: exp * 1000,
      };
    },
  );
  // Embedded mode only, like the dev tokens: the signed-in user tops up their own wallet, so the
  // playground can send red packets without the admin API. Each call is its own top-up (a fresh
  // idempotency key); the wallet service records it like any other.
  app.post<{ Body: { amount: number } }>(
    '/console/api/dev-topup',
    {
      onRequest: loopbackOnly('the dev top-up endpoint'),
      schema: {
        security: 'bearer',
        summary: 'Add money to your own wallet (embedded mode, loopback clients only)',
        body: devTopupBody,
        response: {
          200: object({ userId: { type: 'string' }, amount: { type: 'integer' }, balance: { type: 'integer' } }),
        },
      },
    },
    async (request) => {
      const { sub } = ctx.auth(request);
      const { amount } = request.body;
      const command: WalletCommand = {
        kind: 'topup',
        userId: sub,
        amount,
        key: `console-dev-${randomUUID()}`,
        at: ctx.clock.now(),
      };
      const result = await ctx.commands.request<typeof Topics.WALLET_COMMANDS, { opId: string; balance: number }>(
        Topics.WALLET_COMMANDS,
        command,
      );
      ctx.logger.info({ userId: sub, amount }, 'console: dev top-up');
      return { userId: sub, amount, balance: result.balance };
    },
  );
}
