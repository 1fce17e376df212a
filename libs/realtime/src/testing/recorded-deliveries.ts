import { SqliteStore } from '@im/store';
import type { Delivery, DeliveryPort } from '../delivery.port';
import { MemoryDeliveryHub } from '../memory/memory.delivery';

/** What reached the users a test listens for: [userId, delivery] in arrival order. */
export type RecordedDeliveries = [string, Delivery][];

/**
 * A gateway-side port of `hub` listening for `userIds`, recording every delivery that reaches
 * them (clear it with `recorded.length = 0`). For unit tests of the services that deliver.
 */
export async function recordDeliveries(
  hub: MemoryDeliveryHub,
  userIds: readonly string[],
): Promise<RecordedDeliveries> {
  const recorded: RecordedDeliveries = [];
  const gateway = hub.port();
  gateway.onDelivery((userId, delivery) => recorded.push([userId, delivery]));
  for (const userId of userIds) await gateway.listen(userId);
  return recorded;
}

/** The ports of a service's unit test: a store in memory, and a delivery port whose deliveries to `userIds` are recorded as they are sent (`sameTurn`). */
export async function inMemoryServicePorts(
  userIds: readonly string[],
): Promise<{ store: SqliteStore; delivery: DeliveryPort; got: RecordedDeliveries }> {
  const hub = new MemoryDeliveryHub({ handOver: 'sameTurn' });
  const got = await recordDeliveries(hub, userIds);
  return { store: new SqliteStore(':memory:'), delivery: hub.port(), got };
}
