import type { ConfigOf, ConfigSchema } from '@im/common';

/** The wallet service's own variables (embedded mode reads them too). */
export const WALLET_CONFIG = {
  IM_RED_PACKET_MAX_AMOUNT: { kind: 'int', default: 20000, min: 1, doc: 'Largest red packet, in fen.' },
  IM_RED_PACKET_MAX_SHARES: {
    kind: 'int',
    default: 100,
    min: 1,
    doc: 'Most shares of one red packet (a group packet also has at most as many shares as the group has members).',
  },
  IM_RED_PACKET_EXPIRY_MS: {
    kind: 'int',
    default: 86400000,
    min: 1000,
    doc: 'How long a red packet can be opened; then what is left returns to the sender (22).',
  },
  IM_TRANSFER_MAX_AMOUNT: { kind: 'int', default: 5000000, min: 1, doc: 'Largest transfer, in fen.' },
  IM_TRANSFER_EXPIRY_MS: {
    kind: 'int',
    default: 86400000,
    min: 1000,
    doc: 'A transfer not accepted within this time returns to the sender by itself (21).',
  },
  IM_COLLECTION_EXPIRY_MS: {
    kind: 'int',
    default: 604800000,
    min: 1000,
    doc: 'How long an AA collection or payment request can be paid (7 days by default).',
  },
  IM_MONEY_SWEEP_MS: {
    kind: 'int',
    default: 10000,
    min: 100,
    doc: 'How often the wallet service completes half-done money operations and refunds expired red packets (also once at start).',
  },
} as const satisfies ConfigSchema;

export type WalletConfig = ConfigOf<typeof WALLET_CONFIG>;

export interface WalletOptions {
  readonly maxAmount: number;
  readonly maxShares: number;
  readonly expiryMs: number;
  readonly transferMaxAmount: number;
  readonly transferExpiryMs: number;
  readonly collectionExpiryMs: number;
  /** Operations pending for at least this long are driven by the sweep. */
  readonly recoveryAgeMs: number;
}

export function walletOptions(c: WalletConfig): WalletOptions {
  return {
    maxAmount: c.IM_RED_PACKET_MAX_AMOUNT,
    maxShares: c.IM_RED_PACKET_MAX_SHARES,
    expiryMs: c.IM_RED_PACKET_EXPIRY_MS,
    transferMaxAmount: c.IM_TRANSFER_MAX_AMOUNT,
    transferExpiryMs: c.IM_TRANSFER_EXPIRY_MS,
    collectionExpiryMs: c.IM_COLLECTION_EXPIRY_MS,
    recoveryAgeMs: c.IM_MONEY_SWEEP_MS,
  };
}
