import { AppError } from './app-error';
import { isTransientError } from './transient-error';

describe('isTransientError', () => {
  const named = (name: string, message = 'x'): Error => Object.assign(new Error(message), { name });

  it('recognises an unreachable store or Redis, also as the cause of another error', () => {
    expect(isTransientError(named('MongoServerSelectionError', 'Server selection timed out after 30000 ms'))).toBe(true);
    expect(isTransientError(named('MongoNetworkError', 'connection 3 to 127.0.0.1:27027 closed'))).toBe(true);
    expect(isTransientError(new Error('Connection is closed.'))).toBe(true);
    expect(isTransientError(new Error('connect ECONNREFUSED 127.0.0.1:6390'))).toBe(true);
    expect(isTransientError(new Error('append failed', { cause: named('MongoPoolClearedError') }))).toBe(true);
    expect(isTransientError(new AppError('IM_ERR_UNAVAILABLE', 'retry'))).toBe(true);
  });

  it('does not excuse errors of the work itself', () => {
    expect(isTransientError(new Error('malformed chat record: kind is not "chat"'))).toBe(false);
    expect(isTransientError(named('MongoServerError', 'E11000 duplicate key error'))).toBe(false);
    expect(isTransientError(new AppError('IM_ERR_NOT_MEMBER'))).toBe(false);
    expect(isTransientError('ECONNREFUSED')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});
