import type { Logger } from '@im/common';

/** How many times a consumer tries to join its group at start before the error is the caller's. */
export const JOIN_ATTEMPTS = 10;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A join refused for a reason that passes (the coordinator is loading or moved, right after a
 * broker start or under load). kafkajs wraps the broker's error in KafkaJSNumberOfRetriesExceeded,
 * not retriable itself, once its own few retries are used up, so the causes are looked at too.
 */
export function retriableJoinError(e: unknown): boolean {
  type Cause = { retriable?: unknown; type?: unknown; cause?: unknown } | undefined;
  for (let err = e as Cause, depth = 0; err && depth < 5; depth++, err = err.cause as Cause) {
    if (
      err.retriable === true ||
      err.type === 'COORDINATOR_LOAD_IN_PROGRESS' ||
      err.type === 'COORDINATOR_NOT_AVAILABLE' ||
      err.type === 'NOT_COORDINATOR' ||
      err.type === 'GROUP_COORDINATOR_NOT_AVAILABLE'
    )
      return true;
  }
  return false;
}

/**
 * Every consumer of the bus joins its group through this: `join` (which makes a fresh consumer
 * each time and disconnects it when it fails) is tried again after a growing pause while the
 * refusal is one that passes, `maxAttempts` times at most.
 */
export async function joinWithRetries<T>(
  join: () => Promise<T>,
  options: { readonly maxAttempts: number; readonly group: string; readonly logger?: Logger | undefined },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await join();
    } catch (e) {
      if (attempt >= options.maxAttempts || !retriableJoinError(e)) throw e;
      options.logger?.warn(
        { group: options.group, attempt, err: (e as Error).message },
        'consumer could not join yet; retrying',
      );
      await sleep(250 * attempt);
    }
  }
}
