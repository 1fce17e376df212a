import { loadConfig } from '@im/common';
import { CLUSTER_CONFIG, missingEndpoints } from './cluster.config';

describe('cluster configuration', () => {
  it('names every missing endpoint (an unset IM_KAFKA_BROKERS is an empty list, not a crash)', () => {
    const config = loadConfig(CLUSTER_CONFIG, {});
    expect(config.IM_KAFKA_BROKERS).toEqual([]);
    expect(missingEndpoints(config)).toEqual([
      'IM_KAFKA_BROKERS: required in cluster mode',
      'IM_MONGO_URL: required in cluster mode',
      'IM_REDIS_URL: required in cluster mode',
    ]);
  });

  it('accepts a complete set', () => {
    const config = loadConfig(CLUSTER_CONFIG, {
      IM_KAFKA_BROKERS: 'a:9092, b:9092',
      IM_MONGO_URL: 'mongodb://m/im',
      IM_REDIS_URL: 'redis://r',
    });
    expect(config.IM_KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(missingEndpoints(config)).toEqual([]);
  });
});
