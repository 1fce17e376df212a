// The operations board on a real Redis 7: entries with a TTL, the index that needs no SCAN,
// expired entries dropped from it on read, removal, and installations kept apart by prefix.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '@im/common';
import { RedisOpsBoard } from '@im/realtime';

const REDIS_URL = process.env.IM_TEST_REDIS_URL;
if (!REDIS_URL)
  throw new Error(
    'IM_TEST_REDIS_URL is not set: these tests need a real Redis 7. Start the servers with: bash test/infra/infra.sh up all',
  );
const url: string = REDIS_URL;
const logger = createLogger({ service: 'test', level: 'silent' });

describe('RedisOpsBoard', () => {
  const run = randomUUID().slice(0, 8);
  const prefixA = `im:test-ops-${run}-a:`;
  const prefixB = `im:test-ops-${run}-b:`;
  let a: RedisOpsBoard;
  let b: RedisOpsBoard;
  let raw: Redis;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      RedisOpsBoard.connect(url, { prefix: prefixA, logger }),
      RedisOpsBoard.connect(url, { prefix: prefixB, logger }),
    ]);
    raw = new Redis(url);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    raw.disconnect();
  });

  it('lists live entries, forgets expired ones (index included), removes on request, and keeps installations apart', async () => {
    await a.publish('gw-1', { instance: 'gw-1', n: 1 }, 60_000);
    await a.publish('short', { instance: 'short' }, 150);
    await b.publish('other', { instance: 'other' }, 60_000);
    expect(await raw.pttl(`${prefixA}{ops}:proc:short`)).toBeGreaterThan(0);
    expect(await raw.pttl(`${prefixA}{ops}:index`)).toBeGreaterThan(60_000);
    const first = await a.list<{ instance: string }>();
    expect(first.map((e) => e.instance).sort()).toEqual(['gw-1', 'short']);
    // Replaced, not added.
    await a.publish('gw-1', { instance: 'gw-1', n: 2 }, 60_000);
    // Redis expires the short entry by its TTL (no clock of ours to drive here).
    const deadline = Date.now() + 5000;
    while ((await raw.exists(`${prefixA}{ops}:proc:short`)) === 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await a.list()).toEqual([{ instance: 'gw-1', n: 2 }]);
    expect(await raw.smembers(`${prefixA}{ops}:index`)).toEqual(['gw-1']);
    expect(await b.list()).toEqual([{ instance: 'other' }]);
    // A malformed entry (not written by a publisher) is left out, not a failure.
    await raw.set(`${prefixA}{ops}:proc:junk`, 'not json', 'PX', 60_000);
    await raw.sadd(`${prefixA}{ops}:index`, 'junk');
    expect(await a.list()).toEqual([{ instance: 'gw-1', n: 2 }]);
    await a.remove('gw-1');
    await a.remove('junk');
    expect(await a.list()).toEqual([]);
    expect(await raw.exists(`${prefixA}{ops}:proc:gw-1`)).toBe(0);
    await b.remove('other');
  });
});
