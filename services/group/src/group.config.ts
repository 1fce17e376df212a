import type { ConfigSchema } from '@im/common';
import { GROUP_EXPIRY_CONFIG } from './group-expiry.sweeper';

/** The group service's own variables. */
export const GROUP_CONFIG = {
  IM_MAX_GROUP_MEMBERS: { kind: 'int', default: 500, min: 2, doc: 'Largest group at creation.' },
  ...GROUP_EXPIRY_CONFIG,
} as const satisfies ConfigSchema;
