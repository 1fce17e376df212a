import type { ImMessage } from '@im/protocol';
import type { StoredMessage } from '@im/store';

/**
 * What a service hands to the gateways for a user.
 * - `stored`: a conversation message; the gateway sends it in seq order to each device,
 *   tracks the device's acknowledgement, and sync re-sends what was not acknowledged.
 * - `live`: a notification that is not kept (read receipts, presence); sent once to the
 *   devices online now. `exceptDeviceId` skips the device it came from; `deviceId` reaches that
 *   one device only (the device in a call).
 * - `disconnect`: close the user's sockets (all, or one device), e.g. a revoked session.
 */
export type Delivery =
  | { readonly kind: 'stored'; readonly message: StoredMessage }
  | { readonly kind: 'live'; readonly message: ImMessage; readonly exceptDeviceId?: string; readonly deviceId?: string }
  | { readonly kind: 'disconnect'; readonly reason: string; readonly deviceId?: string };

/** One delivery of a batch and who gets it. */
export interface DeliveryBatchItem {
  readonly userIds: readonly string[];
  readonly delivery: Delivery;
}

export type DeliveryHandler = (userId: string, delivery: Delivery) => void;

/**
 * Where a user's sessions are now: the gateways of each user with at least one live session
 * (users without one are absent). `Presence.gatewaysOf` in cluster mode.
 */
export type GatewayLocator = (userIds: readonly string[]) => Promise<ReadonlyMap<string, readonly string[]>>;

/**
 * Services → gateways. A gateway listens for the users it holds; a delivery reaches only the
 * gateways that listen for that user, and there only the handler of a user listened to.
 * Deliveries to one user from one sender arrive in the order they were sent, whichever of the
 * two routes below carried them; at most once (a gateway that is reconnecting misses them, and
 * stored messages come back through the device's sync).
 *
 * - `send`: by user (cluster: Redis sharded pub/sub, one channel per user).
 * - `sendMany`: by gateway where the port can locate the users (cluster: one publish per
 *   receiving gateway for the whole batch, naming that gateway's users; the gateway hands each
 *   delivery to the handler once per user it holds); users it cannot locate go by user, as
 *   `send`. A user's deliveries of one call all take the same route.
 */
export interface DeliveryPort {
  send(userIds: readonly string[], delivery: Delivery): Promise<void>;
  /** Many deliveries in one go (cluster: one Redis pipeline), each user's in the order given. */
  sendMany(items: readonly DeliveryBatchItem[]): Promise<void>;
  /**
   * This process is gateway `gatewayId` (the id its presence sessions carry): from now on it
   * receives what `sendMany` routes to that gateway. Called once, before the first session.
   */
  serveGateway(gatewayId: string): Promise<void>;
  /** Starts receiving a user's deliveries; counted, so listen twice needs two unlistens. */
  listen(userId: string): Promise<void>;
  unlisten(userId: string): Promise<void>;
  /** The one handler of this process for every user it listens to. */
  onDelivery(handler: DeliveryHandler): void;
  close(): Promise<void>;
}
