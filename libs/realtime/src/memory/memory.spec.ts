import { multiCallStoreContract } from '../testing/multi-call-store.contract';
import { MemoryMultiCallStore } from './memory.multi-call-store';
import { callStoreContract } from '../testing/call-store.contract';
import { MemoryCallStore } from './memory.call-store';
import { chatroomContract } from '../testing/chatroom.contract';
import { MemoryChatroomStore } from './memory.chatroom';
import { deliveryContract, onceStoreContract, presenceContract } from '../testing/realtime.contract';
import { MemoryDeliveryHub } from './memory.delivery';
import { MemoryOnceStore, MemoryPresence } from './memory.presence';
import { ManualClock } from '@im/common';

deliveryContract('MemoryDeliveryPort', () => {
  const hub = new MemoryDeliveryHub();
  const a = hub.port();
  const b = hub.port();
  return Promise.resolve({ a, b, close: async () => void (await Promise.all([a.close(), b.close()])) });
});
presenceContract('MemoryPresence', () => Promise.resolve(new MemoryPresence()));
onceStoreContract('MemoryOnceStore', () => Promise.resolve(new MemoryOnceStore()));

describe(MemoryOnceStore.name, () => {
  it('forgets a value after its time to live', async () => {
    const clock = new ManualClock();
    const s = new MemoryOnceStore(clock);
    await s.putIfAbsent('k', 'a', 1000);
    clock.advance(1001);
    expect(await s.putIfAbsent('k', 'b', 1000)).toBeUndefined();
    expect(await s.putIfAbsent('k', 'c', 1000)).toBe('b');
  });
});

chatroomContract('MemoryChatroomStore', (clock) => Promise.resolve(new MemoryChatroomStore(clock)));
callStoreContract('MemoryCallStore', () => Promise.resolve(new MemoryCallStore()));
multiCallStoreContract('MemoryMultiCallStore', () => Promise.resolve(new MemoryMultiCallStore()));
