import { MessageType, serverMessage } from '@im/protocol';
import type { SqliteStore } from '@im/store';
import type { DeliveryPort } from './delivery.port';
import { NoticeWriter } from './notice.writer';
import { inMemoryServicePorts } from './testing/recorded-deliveries';
import type { RecordedDeliveries } from './testing/recorded-deliveries';

const notice = (msgId: string, destId = 'bob') =>
  serverMessage({
    msgId,
    messageType: MessageType.SYSTEM_NOTICE,
    from: { id: 'system', type: 'SYSTEM' },
    destId,
    content: 'hello',
    at: 1000,
  });

describe(NoticeWriter.name, () => {
  let store: SqliteStore;
  let got: RecordedDeliveries;
  let writer: NoticeWriter;

  beforeEach(async () => {
    let delivery: DeliveryPort;
    ({ store, delivery, got } = await inMemoryServicePorts(['alice', 'bob', 'carol', 'dave']));
    writer = new NoticeWriter(store, delivery);
    await store.groups.create({ groupId: 'g1', name: 'g', ownerId: 'alice', createdAt: 0 }, [
      { userId: 'alice', role: 'owner' },
      { userId: 'bob', role: 'member' },
      { userId: 'carol', role: 'member' },
    ]);
  });
  afterEach(() => store.close());

  const delivered = (): [string, string, number | undefined][] =>
    got.map(([u, d]) => [u, d.kind, d.kind === 'stored' ? d.message.seq : undefined]);

  it('toUser stores in the system conversation and delivers to that user', async () => {
    const { stored, duplicate } = await writer.toUser('bob', notice('n1'));
    expect(duplicate).toBe(false);
    expect(stored).toMatchObject({ conversationId: 's:bob', seq: 1 });
    expect(delivered()).toEqual([['bob', 'stored', 1]]);
  });

  it('stores a repeated notice once and delivers the stored copy again (the one redelivery rule)', async () => {
    await writer.toUser('bob', notice('n1'));
    const again = await writer.toUser('bob', notice('n1'));
    expect(again.duplicate).toBe(true);
    expect((await store.messages.range('s:bob', { limit: 10 })).map((m) => m.message.msgId)).toEqual(['n1']);
    expect(delivered()).toEqual([
      ['bob', 'stored', 1],
      ['bob', 'stored', 1],
    ]);
  });

  it('toGroup stores in the group conversation and delivers to the members but the one excepted', async () => {
    const { stored, deliveredTo } = await writer.toGroup('g1', notice('n2', 'g1'), { except: 'carol' });
    expect(stored.conversationId).toBe('g:g1');
    expect(deliveredTo).toBe(2);
    expect(delivered()).toEqual([
      ['alice', 'stored', 1],
      ['bob', 'stored', 1],
    ]);
  });

  it('toConversation delivers a direct conversation to both users, a group one to its members', async () => {
    await writer.toConversation('p:alice:dave', notice('n3', 'dave'));
    expect(delivered()).toEqual([
      ['alice', 'stored', 1],
      ['dave', 'stored', 1],
    ]);
    got.length = 0;
    await writer.toConversation('g:g1', notice('n4', 'g1'));
    expect(delivered().map(([u]) => u)).toEqual(['alice', 'bob', 'carol']);
    await expect(writer.toConversation('s:bob', notice('n5'))).rejects.toThrow(/not a conversation id/);
  });

  it('deliverIf false keeps the notice stored and delivers nothing', async () => {
    await writer.toGroup('g1', notice('n6', 'g1'), { deliverIf: () => Promise.resolve(false) });
    expect(got).toEqual([]);
    expect(await store.messages.findByMsgId('g:g1', 'n6')).toBeDefined();
  });

  it('live delivers without storing', async () => {
    await writer.live(['alice'], notice('n7', 'alice'));
    expect(delivered()).toEqual([['alice', 'live', undefined]]);
    expect(await store.conversations.maxSeq('s:alice')).toBe(0);
  });

  it('names a person’s notice from the directory, and leaves a named or system one as built', async () => {
    await store.users.ensure({
      userId: 'alice',
      name: 'Alice A.',
      avatar: 'https://x.test/a.png',
      signature: '',
      updatedAt: 1,
    });
    const byAlice = (msgId: string, type: 'PERSON' | 'GROUP', name?: string) =>
      serverMessage({
        msgId,
        messageType: MessageType.GROUP_MEMBER_JOINED,
        from: { id: 'alice', type, ...(name !== undefined ? { name } : {}) },
        destId: 'g1',
        content: {},
        at: 1,
      });
    const person = await writer.toUser('bob', byAlice('n8', 'PERSON'));
    expect(person.stored.message).toMatchObject({ fromName: 'Alice A.', imageIconUrl: 'https://x.test/a.png' });
    const group = await writer.toGroup('g1', byAlice('n9', 'GROUP'));
    expect(group.stored.message).toMatchObject({ fromName: 'Alice A.', fromType: 2 });
    const named = await writer.toUser('bob', byAlice('n10', 'PERSON', 'Given'));
    expect(named.stored.message.fromName).toBe('Given');
    const system = await writer.toUser('bob', notice('n11'));
    expect(system.stored.message.fromName).toBe('');
    expect(await writer.nameOf('alice')).toBe('Alice A.');
    expect(await writer.nameOf('nobody')).toBe('nobody');
  });
});
