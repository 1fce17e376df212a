import { ID_CONFIG } from '@im/common';
import type { ConfigOf, ConfigSchema } from '@im/common';

/** The call service's own variables (embedded mode reads them too). */
export const CALL_CONFIG = {
  IM_CALL_RING_TIMEOUT_MS: {
    kind: 'int',
    default: 30000,
    min: 1000,
    doc: 'How long a 1:1 call rings before it ends as a missed call.',
  },
  IM_CALL_DROP_GRACE_MS: {
    kind: 'int',
    default: 15000,
    min: 0,
    doc: 'How long a call waits for a party whose call device disconnected to come back before the other side gets 161 and the call ends.',
  },
  IM_MULTI_CALL_MAX_PARTICIPANTS: {
    kind: 'int',
    default: 9,
    min: 2,
    max: 100,
    doc: 'Most participants in one multi-party (group) call; one more is refused.',
  },
  IM_CALL_SWEEP_MS: {
    kind: 'int',
    default: 500,
    min: 50,
    max: 60000,
    doc: 'How often the call service looks for calls whose ringing or drop grace period ran out.',
  },
  IM_REQUIRE_FRIENDSHIP: {
    kind: 'bool',
    default: false,
    doc: 'Refuse 1:1 messages between users who are not friends.',
  },
  ...ID_CONFIG,
} as const satisfies ConfigSchema;

export type CallConfig = ConfigOf<typeof CALL_CONFIG>;

/** What the call service's classes take from its variables. */
export interface CallServiceSettings {
  readonly callRingTimeoutMs: number;
  readonly callDropGraceMs: number;
  readonly multiCallMaxParticipants: number;
  readonly requireFriendship: boolean;
}

export function callSettings(c: CallConfig): CallServiceSettings {
  return {
    callRingTimeoutMs: c.IM_CALL_RING_TIMEOUT_MS,
    callDropGraceMs: c.IM_CALL_DROP_GRACE_MS,
    multiCallMaxParticipants: c.IM_MULTI_CALL_MAX_PARTICIPANTS,
    requireFriendship: c.IM_REQUIRE_FRIENDSHIP,
  };
}
