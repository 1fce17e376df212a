import { AppError, createLogger } from '@im/common';
import { BacklogGuard } from './backlog-guard';

const logger = createLogger({ service: 'test', level: 'silent' });
const refused = (g: BacklogGuard): string | undefined => {
  try {
    g.check();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.error.name : 'other';
  }
};

describe(BacklogGuard.name, () => {
  it('refuses above the limit and accepts again only once the backlog has halved', async () => {
    let backlog = 0;
    const g = new BacklogGuard(() => Promise.resolve(backlog), { max: 100, everyMs: 60_000 }, logger);
    const seen: (string | undefined)[] = [];
    for (const b of [50, 100, 101, 80, 51, 50, 120]) {
      backlog = b;
      await g.poll();
      seen.push(refused(g));
    }
    expect(seen).toEqual([
      undefined,
      undefined,
      'IM_ERR_UNAVAILABLE',
      'IM_ERR_UNAVAILABLE',
      'IM_ERR_UNAVAILABLE',
      undefined,
      'IM_ERR_UNAVAILABLE',
    ]);
    expect(g.backlog).toBe(120);
    await g.close();
  });

  it('accepts when the backlog cannot be read (the publish then fails by itself if Kafka is away)', async () => {
    let fail = false;
    const g = new BacklogGuard(
      () => (fail ? Promise.reject(new Error('no broker')) : Promise.resolve(500)),
      { max: 100, everyMs: 60_000 },
      logger,
    );
    await g.poll();
    expect(refused(g)).toBe('IM_ERR_UNAVAILABLE');
    fail = true;
    await g.poll();
    expect(refused(g)).toBeUndefined();
    await g.close();
  });

  it('reads nothing and never refuses when the limit is 0, and reads on its own once started', async () => {
    let reads = 0;
    const off = new BacklogGuard(() => Promise.resolve(++reads * 1_000_000), { max: 0, everyMs: 10 }, logger).start();
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toBe(0);
    expect(refused(off)).toBeUndefined();
    await off.close();
    const on = new BacklogGuard(() => Promise.resolve(++reads * 1_000_000), { max: 10, everyMs: 10 }, logger).start();
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toBeGreaterThan(1);
    expect(refused(on)).toBe('IM_ERR_UNAVAILABLE');
    await on.close();
  });

  it('holds new messages over `hold` until a read finds the backlog under it, and refuses over `max`', async () => {
    let backlog = 500;
    const g = new BacklogGuard(
      () => Promise.resolve(backlog),
      { max: 1000, hold: 100, maxHoldMs: 60_000, everyMs: 60_000 },
      logger,
    );
    await g.poll();
    const order: string[] = [];
    const first = g.admit().then(() => order.push('first'));
    const second = g.admit().then(() => order.push('second'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    expect(g.waiting).toBe(2);
    backlog = 150;
    await g.poll();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    backlog = 100;
    await g.poll();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(g.waiting).toBe(0);
    await g.admit();
    backlog = 400;
    await g.poll();
    const refusedLater = g.admit().then(
      () => 'admitted',
      (e: unknown) => (e instanceof AppError ? e.error.name : 'other'),
    );
    backlog = 2000;
    await g.poll();
    expect(await refusedLater).toBe('IM_ERR_UNAVAILABLE');
    await expect(g.admit()).rejects.toMatchObject({ error: { name: 'IM_ERR_UNAVAILABLE' } });
    await g.close();
  });

  it('lets a held message go after `maxHoldMs`, and every held message when the backlog cannot be read or the guard closes', async () => {
    let fail = false;
    const g = new BacklogGuard(
      () => (fail ? Promise.reject(new Error('no broker')) : Promise.resolve(500)),
      { max: 1000, hold: 100, maxHoldMs: 30, everyMs: 60_000 },
      logger,
    );
    await g.poll();
    const started = Date.now();
    await g.admit();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const held = g.admit();
    fail = true;
    await g.poll();
    await held;
    fail = false;
    await g.poll();
    const atClose = g.admit();
    expect(g.waiting).toBe(1);
    await g.close();
    await atClose;
  });
});
