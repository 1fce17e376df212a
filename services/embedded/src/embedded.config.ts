import type { ConfigOf, ConfigSchema } from '@im/common';
import { CALL_CONFIG } from '@im/call-service';
import { EVENTS_CONFIG } from '@im/events-service';
import { RELATION_CONFIG } from '@im/relation-service';
import { GATEWAY_CONFIG } from '@im/gateway';
import { WALLET_CONFIG } from '@im/wallet-service';
import { GROUP_EXPIRY_CONFIG } from '@im/group-service';

/** Embedded mode: the gateway's variables plus where the data file lives. */
export const EMBEDDED_CONFIG = {
  ...GATEWAY_CONFIG,
  ...CALL_CONFIG,
  ...RELATION_CONFIG,
  ...EVENTS_CONFIG,
  ...WALLET_CONFIG,
  ...GROUP_EXPIRY_CONFIG,
  IM_HOST: {
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address to listen on. Embedded mode: 127.0.0.1, this machine only (`IM_HOST=0.0.0.0` opens it to the network; the dev-token and dev top-up endpoints still answer loopback clients only). Cluster gateways: 0.0.0.0.',
  },
  IM_DATA_DIR: {
    kind: 'string',
    default: './data',
    doc: 'Embedded mode: folder of the SQLite file (`im.db`), the generated JWT secret and uploaded media (`media/`).',
  },
} as const satisfies ConfigSchema;

export type EmbeddedConfig = ConfigOf<typeof EMBEDDED_CONFIG>;
