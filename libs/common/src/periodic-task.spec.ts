import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { startPeriodicTask } from './periodic-task';

function logLines(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A run that records its start and finishes when told to. */
function gated(): { run: () => Promise<void>; starts: () => number; release: () => void } {
  let starts = 0;
  const gates: (() => void)[] = [];
  return {
    run: () => {
      starts++;
      return new Promise<void>((r) => gates.push(r));
    },
    starts: () => starts,
    release: () => gates.splice(0).forEach((g) => g()),
  };
}

describe(startPeriodicTask.name, () => {
  it('runs on every tick, and once at start when asked', async () => {
    const { logger } = logLines();
    let runs = 0;
    const task = startPeriodicTask(() => Promise.resolve(runs++), {
      name: 'count',
      everyMs: 10,
      logger,
      runAtStart: true,
    });
    expect(runs).toBe(1);
    await sleep(80);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('skips a tick while the previous run is under way, and runNow joins the run under way', async () => {
    const { logger } = logLines();
    const g = gated();
    const task = startPeriodicTask(g.run, { name: 'slow', everyMs: 5, logger });
    await sleep(40);
    expect(g.starts()).toBe(1);
    const joined = task.runNow();
    expect(g.starts()).toBe(1);
    g.release();
    await joined;
    const second = task.runNow();
    expect(g.starts()).toBe(2);
    g.release();
    await expect(second).resolves.toBeUndefined();
    await task.stop();
  });

  it('logs a failed run at warn with its name instead of throwing, and runs again on the next tick', async () => {
    const { logger, lines } = logLines();
    let runs = 0;
    const task = startPeriodicTask(
      () => {
        runs++;
        return Promise.reject(new Error(`boom ${runs}`));
      },
      { name: 'money sweep', everyMs: 10, logger },
    );
    await expect(task.runNow()).resolves.toBeUndefined();
    await sleep(50);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    const warned = lines().filter((l) => l.level === 'warn');
    expect(warned.length).toBe(runs);
    expect(warned[0]).toMatchObject({ task: 'money sweep', msg: 'money sweep failed; retrying next tick' });
    expect((warned[0]?.err as { message: string }).message).toBe('boom 1');
  });

  it('hands a failure to onError when given one, and a run that throws synchronously fails the same way', async () => {
    const { logger, lines } = logLines();
    const errors: unknown[] = [];
    const task = startPeriodicTask(
      () => {
        throw new Error('sync');
      },
      { name: 'x', everyMs: 60_000, logger, onError: (e) => errors.push(e) },
    );
    await task.runNow();
    await task.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync']);
    expect(lines()).toEqual([]);
  });

  it('stop waits for the run under way, and no run starts after it', async () => {
    const { logger } = logLines();
    const g = gated();
    const task = startPeriodicTask(g.run, { name: 'slow', everyMs: 5, logger, runAtStart: true });
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    g.release();
    await stopping;
    expect(stopped).toBe(true);
    await task.runNow();
    await sleep(20);
    expect(g.starts()).toBe(1);
    await task.stop();
  });

  it('does not keep the process alive (the timer is unref’d)', () => {
    const { logger } = logLines();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const task = startPeriodicTask(() => Promise.resolve(), { name: 'idle', everyMs: 60_000, logger });
    // An unref'd timer is not listed among the resources that keep the event loop alive.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    void task.stop();
  });
});
