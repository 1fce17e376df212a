import type { ImMessage } from '@im/protocol';

/** Audio or video: what a call was offered as, and what it carries now. */
export type CallMedia = 'audio' | 'video';

/**
 * One 1:1 call, the single shared truth every gateway reads. A user is in at most one call at a
 * time (as caller or callee), so signals find their call by the sender alone.
 */
export interface Call {
  readonly callId: string;
  readonly callerId: string;
  readonly callerDeviceId: string;
  readonly callerName: string;
  readonly callerIcon: string;
  readonly calleeId: string;
  /** The callee's device that answered; unset while ringing (every device rings). */
  readonly calleeDeviceId?: string;
  /** What the call was offered as (kept for the 162 record). */
  readonly kind: CallMedia;
  /** What it carries now (157 / 159 switch it). */
  readonly media: CallMedia;
  /** The offer as relayed to the callee, so a callee device that connects while it rings is rung too. */
  readonly offer?: ImMessage;
  /** Offered with the older 42 / 44: answers and refusals go back as 43 / 45. */
  readonly legacy: boolean;
  readonly phase: 'ringing' | 'active';
  /** Who asked to switch audio to video (158) and waits for 159 / 160. */
  readonly switchRequestedBy?: string;
  readonly createdAt: number;
  readonly ringDeadline: number;
  readonly acceptedAt?: number;
  /** A party whose call device dropped, and when the call ends unless it comes back. */
  readonly dropped?: { readonly userId: string; readonly deadline: number };
  /** Bumped by every change; updates and ends are compare-and-set on it. */
  readonly version: number;
}

/** The next moment the call must be looked at by the sweeper, if any. */
export function callDeadline(call: Call): number | undefined {
  if (call.dropped)
    return call.phase === 'ringing' ? Math.min(call.dropped.deadline, call.ringDeadline) : call.dropped.deadline;
  return call.phase === 'ringing' ? call.ringDeadline : undefined;
}

/**
 * Where calls live. Embedded: memory. Cluster: Redis, so a call survives the gateway that set it
 * up and any gateway may carry its next signal or fire its timeout.
 */
export interface CallStore {
  /** Creates the call unless a party is already in one; then `busy` names that party (caller first). */
  create(call: Call): Promise<{ ok: true } | { ok: false; busy: string }>;
  get(callId: string): Promise<Call | undefined>;
  /** The call the user is in, if any. */
  ofUser(userId: string): Promise<Call | undefined>;
  /** Stores `next` if the stored call still has version `next.version - 1`; false when someone changed it first or it ended. */
  update(next: Call): Promise<boolean>;
  /** Ends the call if its version is still `version`: removes it and frees both parties. Of racing enders exactly one gets true. */
  end(callId: string, version: number): Promise<boolean>;
  /** Calls whose deadline (see `callDeadline`) is at or before `now`. */
  due(now: number): Promise<string[]>;
  close(): Promise<void>;
}
