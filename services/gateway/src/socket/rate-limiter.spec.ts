import { ManualClock } from '@im/common';
import { TokenBucket } from './rate-limiter';

describe(TokenBucket.name, () => {
  it('allows a burst, refuses beyond it, and refills at the rate', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(10, 3, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    clock.advance(100);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    clock.advance(10_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
