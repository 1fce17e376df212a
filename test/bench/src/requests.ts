// Rows of backend requests per delivered message: what the store, Redis and Kafka were asked per
// message in the measured window (issue 16: the figure batching is meant to bring down).
import type { BackendRequests } from './protocol';

export interface RequestRow {
  metric: string;
  value: number;
  goal?: string;
  check?: (value: number) => boolean;
}

/** Per delivered message; `storeGoal` (e.g. ≤ 0.2 for 1:1) is the target on store commands. */
export function requestRows(
  requests: BackendRequests | undefined,
  delivered: number,
  storeGoal?: number,
): RequestRow[] {
  if (!requests || delivered <= 0) return [];
  const per = (n: number): number => n / delivered;
  return [
    {
      metric: 'store commands per delivered msg',
      value: per(requests.store),
      ...(storeGoal === undefined ? {} : { goal: `≤ ${storeGoal}`, check: (v: number) => v <= storeGoal }),
    },
    { metric: 'Redis commands per delivered msg', value: per(requests.redis) },
    { metric: 'Kafka requests per delivered msg', value: per(requests.kafka) },
  ];
}
