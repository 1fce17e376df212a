import type { Bus } from '@im/bus';
import type { DeliveryPort, OnceStore, Presence } from '@im/realtime';
import type { Store } from '@im/store';

/**
 * The ports a Kafka-fed service runs on: the cluster's (`ClusterPorts`, connected by
 * `runBusService`) or the embedded server's in-process ones. Each service's
 * `start<Name>Service(ports, config, logger)` takes the ones it uses.
 */
export interface ServicePorts {
  readonly bus: Bus;
  readonly store: Store;
  readonly delivery: DeliveryPort;
  readonly presence: Presence;
  readonly once: OnceStore;
}

/** A started service: `close` stops its sweeps, then its consumers. */
export interface RunningService {
  close(): Promise<void>;
}
