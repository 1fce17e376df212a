import type { ConfigSchema } from '@im/common';

export const MESSAGE_CONFIG = {
  IM_RECALL_WINDOW_MS: { kind: 'int', default: 120000, min: 0, doc: 'How long after sending its sender may recall a message.' },
  IM_REQUIRE_FRIENDSHIP: { kind: 'bool', default: false, doc: 'Refuse 1:1 messages between users who are not friends.' },
} as const satisfies ConfigSchema;
