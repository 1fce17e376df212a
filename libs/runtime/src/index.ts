export { CLUSTER_CONFIG, missingEndpoints } from './cluster.config';
export type { ClusterConfig } from './cluster.config';
export { connectCluster } from './cluster.ports';
export type { ClusterPorts } from './cluster.ports';
export { startHealthServer } from './health.server';
export type { HealthServer } from './health.server';
export { runProcess } from './process.runner';
export type { ProcessSpec, RunningProcess } from './process.runner';
