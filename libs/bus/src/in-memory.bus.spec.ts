import { busContract } from './testing/bus.contract';
import type { OpenTopics } from './bus.port';
import { InMemoryBus } from './in-memory.bus';

// In one process "another bus instance" is the same bus: there is no backend to share.
busContract('InMemoryBus', async () => {
  const bus = new InMemoryBus<OpenTopics>({ retryDelayMs: 5 });
  return { bus, peer: bus, close: () => bus.close() };
});

describe(InMemoryBus.name, () => {
  it('resolves a publish only once every group has handled the record', async () => {
    const bus = new InMemoryBus<OpenTopics>({ retryDelayMs: 1 });
    const handled: number[] = [];
    await bus.subscribe('t', 'g', async (r) => void handled.push(r.value as number));
    await bus.publish('t', 'k', 5);
    expect(handled).toEqual([5]);
    await bus.close();
  });

  it('rejects the publish of a record it dead-letters, and tells its onDeadLetter hook', async () => {
    const letters: string[] = [];
    const bus = new InMemoryBus<OpenTopics>({
      retryDelayMs: 1,
      maxAttempts: 2,
      onDeadLetter: (l) => letters.push(`${l.topic}:${l.error}`),
    });
    await bus.subscribe('t', 'g', async () => {
      throw new Error('always');
    });
    await expect(bus.publish('t', 'k', 1)).rejects.toThrow('record dead-lettered by g: always');
    expect(letters).toEqual(['t:always']);
    await bus.close();
  });
});
