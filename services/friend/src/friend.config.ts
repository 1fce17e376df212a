import type { ConfigOf, ConfigSchema } from '@im/common';

/** The friend service's own variables (embedded mode reads them too). */
export const FRIEND_CONFIG = {
  IM_FRIEND_AUTO_ACCEPT: {
    kind: 'bool',
    default: false,
    doc: 'A friend request makes both users friends at once (type 23 to both) instead of waiting for an answer.',
  },
} as const satisfies ConfigSchema;

export type FriendConfig = ConfigOf<typeof FRIEND_CONFIG>;
