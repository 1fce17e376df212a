import { isAppError } from './app-error';

/**
 * Error names of the MongoDB driver that mean "the server is not reachable right now". A driver
 * error also counts when one of its classes' ancestors is named here (`PoolClearedOnNetworkError`
 * is a `MongoNetworkError` by inheritance only, under a name of its own).
 */
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
const TRANSIENT_MESSAGE =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|connection .* closed|Stream isn't writeable|socket has been ended by the other party/i;

/** Node's system error codes of a connection that failed or broke (`err.code`; the message may not name it). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when `e` (or an error in its `cause` chain) says a dependency (store, Redis) is
 * unreachable for now, not that the work itself is wrong: the caller should wait and retry the
 * same work instead of giving up on it. `IM_ERR_UNAVAILABLE` counts as transient too.
 */
export function isTransientError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 8; depth++) {
    if (isAppError(cur) && cur.error.name === 'IM_ERR_UNAVAILABLE') return true;
    if (cur instanceof Error) {
      if (TRANSIENT_NAMES.has(cur.name) || hasTransientAncestor(cur)) return true;
      if (TRANSIENT_MESSAGE.test(cur.message)) return true;
      const code = (cur as { code?: unknown }).code;
      if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
      cur = (cur as { cause?: unknown }).cause;
    } else return false;
  }
  return false;
}

function hasTransientAncestor(e: Error): boolean {
  for (
    let proto: unknown = Object.getPrototypeOf(e);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  }
  return false;
}
