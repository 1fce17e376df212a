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

describe(MemoryDeliveryHub.name, () => {
  it('hands a send over in the next turn of the event loop (so an ack answered when it was sent leaves first), in send order', async () => {
    const hub = new MemoryDeliveryHub();
    const gateway = hub.port();
    const got: string[] = [];
    gateway.onDelivery((userId, d) => got.push(`${userId} ${d.kind === 'live' ? String(d.message.content) : d.kind}`));
    await gateway.listen('u');
    const live = (content: string) => ({
      kind: 'live' as const,
      message: {
        msgId: content,
        fromId: 's',
        destId: 'u',
        fromType: 1 as const,
        fromName: '',
        imageIconUrl: '',
        content,
        messageType: 2 as const,
      },
    });
    const sender = hub.port();
    await sender.send(['u'], live('one'));
    await sender.sendMany([{ userIds: ['u'], delivery: live('two') }]);
    await Promise.resolve();
    got.push('ack');
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['ack', 'u one', 'u two']);
  });
});

chatroomContract('MemoryChatroomStore', (clock) => Promise.resolve(new MemoryChatroomStore(clock)));
callStoreContract('MemoryCallStore', () => Promise.resolve(new MemoryCallStore()));
multiCallStoreContract('MemoryMultiCallStore', () => Promise.resolve(new MemoryMultiCallStore()));
