// The Redis ChatroomStore, CallStore and MultiCallStore against a real Redis 7: the same contract suites the
// memory implementations pass (libs/realtime/src/memory/memory.spec.ts), plus membership expiry.
import { randomUUID } from 'node:crypto';
import { createLogger, ManualClock } from '@im/common';
import { RedisCallStore, RedisChatroomStore, RedisMultiCallStore } from '@im/realtime';
import { callStoreContract, chatroomContract, multiCallStoreContract } from '@im/realtime/testing';

const REDIS_URL = process.env.IM_TEST_REDIS_URL;
if (!REDIS_URL)
  throw new Error('IM_TEST_REDIS_URL is not set: these tests need a real Redis 7 (bash test/infra/infra.sh up redis)');
const url: string = REDIS_URL;
const prefix = `im:test:${randomUUID().slice(0, 8)}:`;
const logger = createLogger({ service: 'test', level: 'silent' });

chatroomContract('RedisChatroomStore', (clock) => RedisChatroomStore.connect(url, { prefix, logger, clock }));
callStoreContract('RedisCallStore', () => RedisCallStore.connect(url, { prefix, logger }));
multiCallStoreContract('RedisMultiCallStore', () => RedisMultiCallStore.connect(url, { prefix, logger }));

describe(RedisChatroomStore.name, () => {
  it('stops counting a membership its gateway no longer refreshes', async () => {
    const clock = new ManualClock(Date.now());
    const s = await RedisChatroomStore.connect(url, { prefix, logger, clock, memberTtlMs: 10_000 });
    try {
      const room = `r-${randomUUID().slice(0, 8)}`;
      await s.enter(room, 'alive', 10);
      await s.enter(room, 'crashed', 10);
      clock.advance(8_000);
      await s.refresh([{ roomId: room, memberId: 'alive' }]);
      clock.advance(8_000);
      expect(await s.members(room)).toBe(1);
      expect(await s.enter(room, 'new', 2)).toEqual({ entered: true, members: 2 });
    } finally {
      await s.close();
    }
  });
});
