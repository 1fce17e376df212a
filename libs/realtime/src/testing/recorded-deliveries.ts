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

/** What a service's unit test works with: the current test's store and recorded deliveries, and the service on them. */
export interface ServiceUnderTest<S> {
  readonly store: SqliteStore;
  readonly got: RecordedDeliveries;
  readonly service: S;
}

/**
 * For the enclosing `describe`: before each test, fresh in-memory ports (deliveries to `userIds`
 * recorded) and the service `build` makes on them (it may seed the store too); after each, the
 * store closed.
 */
export function serviceUnderTest<S>(
  userIds: readonly string[],
  build: (ports: { store: SqliteStore; delivery: DeliveryPort }) => Promise<S>,
): ServiceUnderTest<S> {
  let current: { store: SqliteStore; got: RecordedDeliveries; service: S } | undefined;
  beforeEach(async () => {
    const { store, delivery, got } = await inMemoryServicePorts(userIds);
    current = { store, got, service: await build({ store, delivery }) };
  });
  afterEach(() => current?.store.close());
  const now = (): { store: SqliteStore; got: RecordedDeliveries; service: S } => {
    if (!current) throw new Error('the service is built in beforeEach: use it inside a test');
    return current;
  };
  return {
    get store() {
      return now().store;
    },
    get got() {
      return now().got;
    },
    get service() {
      return now().service;
    },
  };
}
