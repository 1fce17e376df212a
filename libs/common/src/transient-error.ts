import { isAppError } from './app-error';

/** Error names of the MongoDB driver that mean "the server is not reachable right now". */
const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoWaitQueueTimeoutError',
]);

/** Socket-level failures (Node, ioredis) of a dependency that is down or restarting. */
const TRANSIENT_MESSAGE = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|connection .* closed|Stream isn't writeable/i;

/**
 * True when `e` (or an error in its `cause` chain) says a dependency (store, Redis) is
 * unreachable for now, not that the work itself is wrong: the caller should wait and retry the
 * same work instead of giving up on it. `IM_ERR_UNAVAILABLE` counts as transient too.
 */
export function isTransientError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 8; depth++) {
    if (isAppError(cur) && cur.error.name === 'IM_ERR_UNAVAILABLE') return true;
    if (cur instanceof Error) {
      if (TRANSIENT_NAMES.has(cur.name)) return true;
      if (TRANSIENT_MESSAGE.test(cur.message)) return true;
      cur = (cur as { cause?: unknown }).cause;
    } else return false;
  }
  return false;
}
