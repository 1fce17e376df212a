import { busContract } from './testing/bus.contract';
import { InMemoryBus } from './in-memory.bus';

// In one process "another bus instance" is the same bus: there is no backend to share.
busContract('InMemoryBus', async () => {
  const bus = new InMemoryBus({ retryDelayMs: 5 });
  return { bus, peer: bus, close: () => bus.close() };
});
