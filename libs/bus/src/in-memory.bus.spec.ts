import { busContract } from './testing/bus.contract';
import { InMemoryBus } from './in-memory.bus';

// In one process "another bus instance" is the same bus: there is no backend to share.
busContract('InMemoryBus', async () => {
  const bus = new InMemoryBus({ retryDelayMs: 5 });
  return { bus, peer: bus, close: () => bus.close() };
});

describe(InMemoryBus.name, () => {
  it('tells its onDeadLetter hook about every dead-lettered record', async () => {
    const letters: string[] = [];
    const bus = new InMemoryBus({ retryDelayMs: 1, maxAttempts: 2, onDeadLetter: (l) => letters.push(`${l.topic}:${l.error}`) });
    await bus.subscribe('t', 'g', async () => {
      throw new Error('always');
    });
    await bus.publish('t', 'k', 1);
    expect(letters).toEqual(['t:always']);
    await bus.close();
  });
});
