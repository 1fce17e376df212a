import type { GroupCommand } from '@im/bus';
import { createLogger } from '@im/common';
import { MemoryDeliveryHub } from '@im/realtime';
import type { Delivery } from '@im/realtime';
import { SqliteStore } from '@im/store';
import { GroupService } from './group.service';

const logger = createLogger({ service: 'test', level: 'silent' });
const base = (userId: string, commandId: string) => ({ groupId: 'g1', userId, commandId, at: 1000 });

describe(GroupService.name, () => {
  let store: SqliteStore;
  let got: [string, number][];
  let service: GroupService;

  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    const hub = new MemoryDeliveryHub();
    const gateway = hub.port();
    got = [];
    gateway.onDelivery((u, d: Delivery) => {
      if (d.kind === 'stored') got.push([u, d.message.message.messageType]);
    });
    for (const u of ['o', 'a', 'b', 'x']) await gateway.listen(u);
    service = new GroupService(store, hub.port(), { maxMembers: 4 }, logger);
    await service.handle({ kind: 'create', groupId: 'g1', ownerId: 'o', name: 'G', memberIds: ['a', 'b'], at: 1 });
  });
  afterEach(() => store.close());

  it('a redelivered invite stores each notice once and keeps the invitee’s joinedSeq', async () => {
    const invite: GroupCommand = { kind: 'invite', ...base('o', 'c1'), targetIds: ['x'] };
    expect(await service.handle(invite)).toEqual({ ok: true, value: { added: ['x'] } });
    expect(await service.handle(invite)).toEqual({ ok: true, value: { added: ['x'] } });
    expect((await store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType)).toEqual([8]);
    expect((await store.messages.range('s:x', { limit: 10 })).map((m) => m.message.messageType)).toEqual([10]);
    expect(await store.groups.member('g1', 'x')).toMatchObject({ role: 'member', joinedSeq: 1 });
    // A new invite of the same user is a repeat: nothing changes, nobody is told.
    expect(await service.handle({ ...invite, commandId: 'c2' })).toEqual({ ok: true, value: { added: [] } });
    expect(got.filter(([u]) => u === 'x').map(([, t]) => t)).toEqual([10, 10]);
  });

  it('refuses an invite beyond the largest group size, adding nobody', async () => {
    const reply = await service.handle({ kind: 'invite', ...base('o', 'c1'), targetIds: ['x', 'y'] });
    expect(reply).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
    expect((await store.groups.members('g1')).map((m) => m.userId)).toEqual(['a', 'b', 'o']);
  });

  it('a redelivered kick or leave stores its notices once and answers as before', async () => {
    const kick: GroupCommand = { kind: 'kick', ...base('o', 'k1'), targetId: 'a' };
    expect((await service.handle(kick)).ok).toBe(true);
    expect((await service.handle(kick)).ok).toBe(true);
    const leave: GroupCommand = { kind: 'leave', ...base('b', 'l1') };
    expect((await service.handle(leave)).ok).toBe(true);
    expect((await service.handle(leave)).ok).toBe(true);
    expect((await store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType)).toEqual([9, 9]);
    expect((await store.messages.range('s:a', { limit: 10 })).map((m) => m.message.messageType)).toEqual([64]);
    expect((await store.groups.members('g1')).map((m) => m.userId)).toEqual(['o']);
    expect(await service.handle({ kind: 'leave', ...base('b', 'l2') })).toMatchObject({ ok: false, error: 'IM_ERR_NOT_MEMBER' });
  });
});
