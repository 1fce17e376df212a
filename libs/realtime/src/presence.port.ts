/** One connected device of a user. */
export interface DeviceSession {
  readonly userId: string;
  readonly deviceId: string;
  readonly socketId: string;
  readonly gatewayId: string;
  readonly devType?: number;
  /** The connection is its own device: it sent neither a deviceId nor a devType (by type 1). */
  readonly ownDevice?: true;
  /** When the session connected, or, when its device settled at type 1, when it settled. */
  readonly connectedAt: number;
}

/**
 * Who is online, on which device and gateway. Cluster: Redis with expiry, so the sessions of
 * a gateway that died without cleaning up disappear after the TTL.
 */
export interface Presence {
  /** Records a session; `firstForUser` when the user had no other session. */
  add(session: DeviceSession): Promise<{ firstForUser: boolean }>;
  /** Removes a session; `lastForUser` when none is left. Removing twice is harmless. */
  remove(session: Pick<DeviceSession, 'userId' | 'socketId'>): Promise<{ lastForUser: boolean }>;
  sessionsOf(userId: string): Promise<DeviceSession[]>;
  /** The subset of `userIds` with at least one session. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** The gateways of each of `userIds` with at least one session (one round trip per 1,000 users). */
  gatewaysOf(userIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Every user with at least one session (for notices to everyone online). */
  onlineUsers(): Promise<string[]>;
  /** Keeps this gateway's sessions alive; called periodically by the gateway. */
  refresh(gatewayId: string, sessions: readonly DeviceSession[]): Promise<void>;
  /**
   * Gateways whose liveness lease lapsed without them closing cleanly (crashed, cut off), each with
   * the users it held sessions for at its last `add` / `refresh`. Embedded: none.
   */
  deadGateways(): Promise<{ gatewayId: string; userIds: string[] }[]>;
  /** Drops a gateway's record: a dead one once handled, or one closing cleanly. */
  forgetGateway(gatewayId: string): Promise<void>;
  close(): Promise<void>;
}

/** A small shared key-value with expiry: acceptance records, idempotency keys. */
export interface OnceStore {
  /** True when entries outlive this process (Redis): callers may then skip a fallback lookup. */
  readonly durable: boolean;
  /** Stores `value` under `key` unless present; returns the value already there, or undefined when stored. */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<string | undefined>;
  /** Removes `key` and returns its value, atomically: of many concurrent takers exactly one gets it. */
  take(key: string): Promise<string | undefined>;
  /** Stores `value` under `key`, replacing any value there (e.g. a user's revocation time). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The value under `key`, if present and not expired. */
  get(key: string): Promise<string | undefined>;
  close(): Promise<void>;
}
