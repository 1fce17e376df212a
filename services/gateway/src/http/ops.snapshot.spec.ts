import { bucketQuantile } from './ops.snapshot';

describe('bucketQuantile', () => {
  it('is undefined without observations', () => {
    expect(bucketQuantile(0.5, [])).toBeUndefined();
    expect(
      bucketQuantile(0.5, [
        { le: 0.01, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeUndefined();
  });

  it('interpolates inside the bucket that holds the rank, in milliseconds', () => {
    // 10 observations: 4 up to 10 ms, 6 more up to 20 ms.
    const buckets = [
      { le: 0.01, count: 4 },
      { le: 0.02, count: 10 },
      { le: Infinity, count: 10 },
    ];
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(11.667, 2);
    expect(bucketQuantile(0.99, buckets)).toBeCloseTo(19.833, 2);
    expect(bucketQuantile(0.2, buckets)).toBeCloseTo(5, 5);
  });

  it('answers the largest finite bound for ranks in the +Inf bucket', () => {
    expect(
      bucketQuantile(0.99, [
        { le: 0.01, count: 1 },
        { le: Infinity, count: 100 },
      ]),
    ).toBe(10);
  });
});
