import type { CallMedia } from './call-store.port';

/** A multi-party call of a group: at most one per group at a time. */
export interface MultiCall {
  readonly callId: string;
  readonly groupId: string;
  readonly initiatorId: string;
  readonly media: CallMedia;
  readonly createdAt: number;
  /** userId → the device that is in the call. */
  readonly participants: Readonly<Record<string, string>>;
  /** Everyone who was ever in the call (for the 162 record). */
  readonly everJoined: readonly string[];
  /** Bumped by every change; updates and ends are compare-and-set on it. */
  readonly version: number;
}

/** Where multi-party calls live. Embedded: memory. Cluster: Redis. */
export interface MultiCallStore {
  /** Creates the group's call unless it already has one. */
  create(call: MultiCall): Promise<boolean>;
  ofGroup(groupId: string): Promise<MultiCall | undefined>;
  /** Stores `next` if the stored call still has version `next.version - 1`. */
  update(next: MultiCall): Promise<boolean>;
  /** Removes the group's call if its version is still `version`; of racing enders exactly one gets true. */
  end(groupId: string, version: number): Promise<boolean>;
  close(): Promise<void>;
}
