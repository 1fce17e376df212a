import { opsFigures } from '@im/runtime';
import type { ImMetrics, OpsFigures } from '@im/runtime';

export { bucketQuantile } from '@im/runtime';
export type { LatencySummary } from '@im/runtime';

/** This process's figures as the console's operations view reads them (running totals). */
export interface OpsSnapshot extends OpsFigures {
  readonly gatewayId: string;
  /** Milliseconds since the epoch on this process. */
  readonly at: number;
}

/** This process's figures from its metrics registry (embedded: every service; cluster: this gateway). */
export async function opsSnapshot(metrics: ImMetrics, gatewayId: string, now: number): Promise<OpsSnapshot> {
  return { gatewayId, at: now, ...(await opsFigures(metrics)) };
}
