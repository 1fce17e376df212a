import type { Bus } from '@im/bus';
import type { Clock, Logger } from '@im/common';
import { PushNotifier } from '@im/realtime';
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

/**
 * How a Kafka-fed service starts on its ports, in the cluster (`runBusService`) and embedded
 * alike: with its validated `config`, its logger, and the clock (the system's when not given).
 */
export type StartService<Config> = (
  ports: ServicePorts,
  config: Config,
  logger: Logger,
  clock?: Clock,
) => Promise<RunningService>;

/** The offline-push sender of a service on its ports, logging as module `push`. */
export function servicePush(ports: ServicePorts, logger: Logger): PushNotifier {
  return new PushNotifier({ ...ports, logger: logger.child({ module: 'push' }) });
}
