import type { ConfigOf, ConfigSchema } from '@im/common';

/** The relation service's own variables (embedded mode reads them too). */
export const RELATION_CONFIG = {
  IM_FRIEND_AUTO_ACCEPT: {
    kind: 'bool',
    default: false,
    doc: 'A friend request makes both users friends at once (type 23 to both) instead of waiting for an answer.',
  },
} as const satisfies ConfigSchema;

export type RelationConfig = ConfigOf<typeof RELATION_CONFIG>;
