import type { Bus } from '@im/bus';
import type { Clock, IdGenerator, Logger, TokenClaims } from '@im/common';
import type { Store } from '@im/store';
import type { FastifyRequest } from 'fastify';
import type { GatewaySettings } from '../gateway.config';

/** What every route module receives. */
export interface RoutesContext {
  readonly store: Store;
  readonly bus: Bus;
  readonly settings: GatewaySettings;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly auth: (request: FastifyRequest) => TokenClaims;
  /** True when every dependency answers (for /readyz). */
  readonly ready: () => Promise<boolean>;
}

export const idSchema = { type: 'string', pattern: '^[A-Za-z0-9_.@-]{1,128}$' } as const;
