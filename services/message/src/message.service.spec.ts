import type { ChatRecord } from '@im/bus';
import { ManualClock, createLogger } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { serviceUnderTest } from '@im/realtime/testing';
import { readChatRecord } from './message.consumer';
import { MessageService } from './message.service';

const logger = createLogger({ service: 'test', level: 'silent' });

function record(msgId: string, extra: Partial<ImMessage> = {}, sendTime = 1000): ChatRecord {
  const message = {
    msgId,
    fromId: 'a',
    destId: 'b',
    fromType: 1 as const,
    fromName: 'a',
    imageIconUrl: '',
    content: 'hi',
    messageType: 2 as const,
    ...extra,
    sendTime,
  };
  const conversationId =
    message.fromType === 2 ? `g:${message.destId}` : `p:${[message.fromId, message.destId].sort().join(':')}`;
  return { kind: 'chat', conversationId, message, senderDeviceId: 'dev-a' };
}

describe(MessageService.name, () => {
  let clock: ManualClock;
  const t = serviceUnderTest(['a', 'b', 'c'], async ({ store, delivery }) => {
    clock = new ManualClock();
    return new MessageService(store, delivery, { recallWindowMs: 120_000, requireFriendship: false }, logger, clock);
  });

  it('stores a message and delivers it to both sides', async () => {
    expect(await t.service.handle(record('m1'))).toBe('stored');
    expect(t.got.map(([u, d]) => [u, d.kind])).toEqual([
      ['a', 'stored'],
      ['b', 'stored'],
    ]);
  });

  it('stores a redelivered record once but delivers it again (the gateway drops what a device has)', async () => {
    await t.service.handle(record('m1'));
    expect(await t.service.handle(record('m1'))).toBe('duplicate');
    expect((await t.store.messages.range('p:a:b', { limit: 10 })).length).toBe(1);
    expect(t.got).toHaveLength(4);
  });

  it('refuses a blacklisted sender with a live 66 to the sender only, storing nothing', async () => {
    await t.store.relations.block('b', 'a');
    expect(await t.service.handle(record('m1'))).toBe('refused');
    expect(t.got).toHaveLength(1);
    const [user, d] = t.got[0] ?? [];
    expect(user).toBe('a');
    expect(d).toMatchObject({ kind: 'live', message: { messageType: 66, content: 'm1', fromId: 'b', destId: 'a' } });
    expect(await t.store.conversations.maxSeq('p:a:b')).toBe(0);
  });

  it('refuses a group message from someone who is no longer a member', async () => {
    await t.store.groups.create({ groupId: 'g1', name: 'g', ownerId: 'b', createdAt: 1 }, [
      { userId: 'b', role: 'owner' },
    ]);
    expect(await t.service.handle(record('m1', { fromType: 2, destId: 'g1' }))).toBe('refused');
    expect(t.got).toEqual([]);
  });

  it('refuses a muted member’s group message until the mute runs out', async () => {
    await t.store.groups.create({ groupId: 'g1', name: 'g', ownerId: 'b', createdAt: 1 }, [
      { userId: 'b', role: 'owner' },
      { userId: 'a', role: 'member' },
    ]);
    await t.store.groups.setMemberMutedUntil('g1', 'a', clock.now() + 60_000);
    expect(await t.service.handle(record('m1', { fromType: 2, destId: 'g1' }))).toBe('refused');
    clock.advance(60_000);
    expect(await t.service.handle(record('m2', { fromType: 2, destId: 'g1' }))).toBe('stored');
  });

  it('refuses a group message from its expiry date on (rechecking what the gateway checked)', async () => {
    await t.store.groups.create({ groupId: 'g1', name: 'g', ownerId: 'b', createdAt: 1 }, [
      { userId: 'b', role: 'owner' },
      { userId: 'a', role: 'member' },
    ]);
    await t.store.groups.setExpiry('g1', clock.now() + 1000);
    expect(await t.service.handle(record('m1', { fromType: 2, destId: 'g1' }))).toBe('stored');
    clock.advance(1000);
    expect(await t.service.handle(record('m2', { fromType: 2, destId: 'g1' }))).toBe('refused');
    expect((await t.store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.msgId)).toEqual(['m1']);
  });

  it('recalls only within the window, measured between the two acceptance times', async () => {
    await t.service.handle(record('m1', {}, 1000));
    expect(await t.service.handle(record('r-late', { messageType: 32, content: 'm1' }, 1000 + 120_001))).toBe(
      'refused',
    );
    expect(await t.service.handle(record('r-ok', { messageType: 32, content: 'm1' }, 1000 + 60_000))).toBe('stored');
    expect((await t.store.messages.findByMsgId('p:a:b', 'm1'))?.recalled).toBe(true);
  });

  it('moves the read mark and tells the other side live', async () => {
    await t.service.handle(record('m1'));
    t.got.length = 0;
    expect(await t.service.handle(record('read1', { messageType: 33, content: 'm1', fromId: 'b', destId: 'a' }))).toBe(
      'read',
    );
    expect((await t.store.conversations.readSeqs('b', ['p:a:b'])).get('p:a:b')).toBe(1);
    expect(t.got.map(([u]) => u).sort()).toEqual(['a', 'b']);
  });
});

describe(readChatRecord.name, () => {
  it.each([
    ['not an object', 'x'],
    ['a wrong kind', { kind: 'other' }],
    ['a missing message', { kind: 'chat', conversationId: 'p:a:b', senderDeviceId: 'd' }],
    [
      'an invalid message',
      { kind: 'chat', conversationId: 'p:a:b', senderDeviceId: 'd', message: { msgId: { $ne: 1 } } },
    ],
    ['a missing sendTime', { ...record('m'), message: { ...record('m').message, sendTime: undefined } }],
  ])('refuses %s', (_name, value) => {
    expect(() => readChatRecord(value)).toThrow(/malformed chat record/);
  });

  it('accepts a well-formed record', () => {
    expect(readChatRecord(record('m1')).message.msgId).toBe('m1');
  });
});
