import { AppError } from './app-error';
import { isTransientError } from './transient-error';

describe('isTransientError', () => {
  const named = (name: string, message = 'x'): Error => Object.assign(new Error(message), { name });

  it('recognises an unreachable store or Redis, also as the cause of another error', () => {
    expect(isTransientError(named('MongoServerSelectionError', 'Server selection timed out after 30000 ms'))).toBe(
      true,
    );
    expect(isTransientError(named('MongoNetworkError', 'connection 3 to 127.0.0.1:27027 closed'))).toBe(true);
    expect(isTransientError(new Error('Connection is closed.'))).toBe(true);
    expect(isTransientError(new Error('connect ECONNREFUSED 127.0.0.1:6390'))).toBe(true);
    expect(isTransientError(new Error('append failed', { cause: named('MongoPoolClearedError') }))).toBe(true);
    expect(isTransientError(new AppError('IM_ERR_UNAVAILABLE', 'retry'))).toBe(true);
  });

  it('recognises a driver error by the network error class it extends, whatever its own name', () => {
    // The driver's shape: PoolClearedOnNetworkError extends PoolClearedError extends MongoNetworkError.
    class MongoNetworkError extends Error {}
    class PoolClearedError extends MongoNetworkError {}
    class PoolClearedOnNetworkError extends PoolClearedError {
      override get name(): string {
        return 'PoolClearedOnNetworkError';
      }
    }
    const e = new PoolClearedOnNetworkError('Connection to 127.0.0.1:27027 interrupted due to server monitor timeout');
    expect(e.name).toBe('PoolClearedOnNetworkError');
    expect(isTransientError(e)).toBe(true);
    expect(isTransientError(new Error('store write failed', { cause: e }))).toBe(true);
  });

  it('recognises a broken socket by its system error code when the message does not name it', () => {
    // What Node throws on a write to a socket the store's side closed (seen in the store outage row).
    const epipe = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    expect(isTransientError(epipe)).toBe(true);
    expect(isTransientError(Object.assign(new Error('write failed'), { code: 'ECONNABORTED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(false);
  });

  it('does not excuse errors of the work itself', () => {
    expect(isTransientError(new Error('malformed chat record: kind is not "chat"'))).toBe(false);
    expect(isTransientError(named('MongoServerError', 'E11000 duplicate key error'))).toBe(false);
    expect(isTransientError(new AppError('IM_ERR_NOT_MEMBER'))).toBe(false);
    expect(isTransientError('ECONNREFUSED')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});
