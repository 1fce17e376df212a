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
 * Services → gateways. A gateway listens for the users it holds; a delivery reaches only the
 * gateways that listen for that user (cluster: Redis sharded pub/sub, one channel per user).
 * Deliveries to one user arrive in the order they were sent.
 */
export interface DeliveryPort {
  send(userIds: readonly string[], delivery: Delivery): Promise<void>;
  /** Many deliveries in one go (cluster: one Redis pipeline), each user's in the order given. */
  sendMany(items: readonly DeliveryBatchItem[]): Promise<void>;
  /** Starts receiving a user's deliveries; counted, so listen twice needs two unlistens. */
  listen(userId: string): Promise<void>;
  unlisten(userId: string): Promise<void>;
  /** The one handler of this process for every user it listens to. */
  onDelivery(handler: DeliveryHandler): void;
  close(): Promise<void>;
}
