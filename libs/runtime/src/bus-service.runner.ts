import type { Subscription } from '@im/bus';
import { LOG_CONFIG } from '@im/common';
import type { ConfigOf, ConfigSchema, Logger } from '@im/common';
import { CLUSTER_CONFIG, missingEndpoints } from './cluster.config';
import type { ClusterConfig } from './cluster.config';
import { connectCluster } from './cluster.ports';
import type { ClusterPorts } from './cluster.ports';
import { startHealthServer } from './health.server';
import { runProcess } from './process.runner';

/** The logging variables every process reads (IM_LOG_LEVEL, IM_LOG_FORMAT). */
export const LOG_LEVEL_CONFIG = LOG_CONFIG;

export interface BusServiceSpec<S extends ConfigSchema> {
  readonly name: string;
  /** The service's own variables (the cluster ones and the log level are added). */
  readonly schema: S;
  /** Builds the service on the connected ports and subscribes it to its topic(s). */
  readonly subscribe: (
    ports: ClusterPorts,
    config: ConfigOf<S> & ClusterConfig,
    logger: Logger,
  ) => Promise<Subscription>;
}

/**
 * Cluster mode for a Kafka-fed service: connect the backends, subscribe, serve /healthz,
 * /readyz and /metrics on IM_HEALTH_PORT; on SIGTERM stop consuming (commit, leave the group),
 * then close the rest.
 */
export function runBusService<S extends ConfigSchema>(spec: BusServiceSpec<S>): void {
  const schema = { ...CLUSTER_CONFIG, ...LOG_LEVEL_CONFIG, ...spec.schema };
  runProcess({
    name: spec.name,
    schema,
    check: (c) => missingEndpoints(c as unknown as ClusterConfig),
    start: async (config, logger) => {
      const all = config as unknown as ConfigOf<S> & ClusterConfig;
      const ports = await connectCluster(all, spec.name, logger);
      const subscription = await spec.subscribe(ports, all, logger);
      const health = await startHealthServer(all.IM_HEALTH_PORT, () => ports.ready());
      logger.info({ healthPort: health.port }, `${spec.name} service consuming`);
      return {
        async close(): Promise<void> {
          await subscription.close();
          await health.close();
          await ports.close();
        },
      };
    },
  });
}
