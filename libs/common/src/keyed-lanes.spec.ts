import { KeyedLanes } from './keyed-lanes';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe(KeyedLanes.name, () => {
  it('runs tasks of one key one after another, and of different keys side by side', async () => {
    const lanes = new KeyedLanes();
    const log: string[] = [];
    const task = (name: string) => async (): Promise<string> => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      lanes.run('a', task('a1')),
      lanes.run('a', task('a2')),
      lanes.run('b', task('b1')),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(lanes.size).toBe(0);
  });

  it('goes on with the next task after a failure, and reports the failure to its caller only', async () => {
    const lanes = new KeyedLanes();
    const failing = lanes.run('a', () => Promise.reject(new Error('boom')));
    const next = lanes.run('a', () => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
