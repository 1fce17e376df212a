import type { ConfigSchema } from '@im/common';
import { GROUP_LIMITS_CONFIG } from '@im/runtime';
import { GROUP_EXPIRY_CONFIG } from './group-expiry.sweeper';

/** The group service's variables: the group limits (shared with the gateway) and the expiry sweep's. */
export const GROUP_CONFIG = {
  ...GROUP_LIMITS_CONFIG,
  ...GROUP_EXPIRY_CONFIG,
} as const satisfies ConfigSchema;
