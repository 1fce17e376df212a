import type { ConfigSchema } from '@im/common';

/** Chat rules the gateway checks at once and the message service checks again: declared once for both. */
export const CHAT_RULES_CONFIG = {
  IM_RECALL_WINDOW_MS: {
    kind: 'int',
    default: 120000,
    min: 0,
    doc: 'How long after sending its sender may recall a message.',
  },
  IM_REQUIRE_FRIENDSHIP: {
    kind: 'bool',
    default: false,
    doc: 'Refuse 1:1 messages between users who are not friends.',
  },
} as const satisfies ConfigSchema;

/** Group limits the gateway and the group service both read: declared once for both. */
export const GROUP_LIMITS_CONFIG = {
  IM_MAX_GROUP_MEMBERS: { kind: 'int', default: 500, min: 2, doc: 'Largest group at creation.' },
} as const satisfies ConfigSchema;
