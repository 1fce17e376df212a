#!/usr/bin/env node
import { IdGenerator, systemClock } from '@im/common';
import { RedisCallStore, RedisMultiCallStore } from '@im/realtime';
import { runBusService } from '@im/runtime';
import { CALL_CONFIG, callSettings } from './call.config';
import { startCallService } from './call.module';

/**
 * Cluster mode: the call service (1:1 and multi-party call state machines, ring timeouts, drop
 * grace periods) as its own process. All its state is in Redis: any number of instances may run,
 * and one killed and restarted picks up where it was.
 */
runBusService({
  name: 'call',
  schema: CALL_CONFIG,
  subscribe: async (ports, config, logger) => {
    const redisUrl = config.IM_REDIS_URL ?? '';
    // Call keys are scanned (the sweeper), so installations sharing a Redis keep them apart.
    const prefix = config.IM_KAFKA_NAMESPACE ? `im:${config.IM_KAFKA_NAMESPACE}:` : 'im:';
    const calls = await RedisCallStore.connect(redisUrl, { prefix, logger: logger.child({ module: 'calls' }) });
    const multiCalls = await RedisMultiCallStore.connect(redisUrl, {
      prefix,
      logger: logger.child({ module: 'multi-calls' }),
    });
    const service = await startCallService({
      calls,
      multiCalls,
      store: ports.store,
      delivery: ports.delivery,
      presence: ports.presence,
      once: ports.once,
      bus: ports.bus,
      settings: callSettings(config),
      clock: systemClock,
      ids: new IdGenerator({ worker: config.IM_ID_WORKER }),
      logger,
      sweepMs: config.IM_CALL_SWEEP_MS,
    });
    return {
      async close(): Promise<void> {
        await service.close();
        await Promise.allSettled([calls.close(), multiCalls.close()]);
      },
    };
  },
});
