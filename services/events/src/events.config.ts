import type { ConfigOf, ConfigSchema } from '@im/common';

/** The events service's own variables (embedded mode reads them too). */
export const EVENTS_CONFIG = {
  IM_EVENTS_MAX_USERS: {
    kind: 'int',
    default: 1000,
    min: 1,
    max: 100000,
    doc: 'Most user ids in one business event’s target.users (im.events.in); a longer list is dead-lettered.',
  },
} as const satisfies ConfigSchema;

export type EventsConfig = ConfigOf<typeof EVENTS_CONFIG>;
