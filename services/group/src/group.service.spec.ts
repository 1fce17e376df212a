import type { GroupCommand } from '@im/bus';
import { createLogger } from '@im/common';
import { serviceUnderTest } from '@im/realtime/testing';
import { GroupService } from './group.service';

const logger = createLogger({ service: 'test', level: 'silent' });
const base = (userId: string, commandId: string) => ({ groupId: 'g1', userId, commandId, at: 1000 });

describe(GroupService.name, () => {
  const t = serviceUnderTest(['o', 'a', 'b', 'x'], async ({ store, delivery }) => {
    const service = new GroupService(store, delivery, { maxMembers: 4 }, logger);
    await service.handle({ kind: 'create', groupId: 'g1', ownerId: 'o', name: 'G', memberIds: ['a', 'b'], at: 1 });
    return service;
  });
  /** [user, messageType] of every stored message delivered. */
  const stored = (): [string, number][] =>
    t.got.flatMap(([u, d]) => (d.kind === 'stored' ? [[u, d.message.message.messageType] as [string, number]] : []));

  it('tells each initial member but the owner with a 10 (fromId the member, by the owner), stored once on a redelivered create', async () => {
    await t.service.handle({ kind: 'create', groupId: 'g1', ownerId: 'o', name: 'G', memberIds: ['a', 'b'], at: 1 });
    for (const u of ['a', 'b']) {
      const stored = await t.store.messages.range(`s:${u}`, { limit: 10 });
      expect(stored.map((m) => m.message)).toEqual([
        expect.objectContaining({
          messageType: 10,
          fromId: u,
          destId: 'g1',
          content: { groupId: 'g1', userId: u, name: u, by: 'o' },
        }),
      ]);
    }
    expect(await t.store.messages.range('s:o', { limit: 10 })).toEqual([]);
    // Delivered on the create and again on its redelivery (the one redelivery rule), to a and b only.
    expect(
      stored()
        .filter(([, type]) => type === 10)
        .sort(),
    ).toEqual([
      ['a', 10],
      ['a', 10],
      ['b', 10],
      ['b', 10],
    ]);
  });

  it('a redelivered invite stores each notice once and keeps the invitee’s joinedSeq', async () => {
    const invite: GroupCommand = { kind: 'invite', ...base('o', 'c1'), targetIds: ['x'] };
    expect(await t.service.handle(invite)).toEqual({ ok: true, value: { added: ['x'] } });
    expect(await t.service.handle(invite)).toEqual({ ok: true, value: { added: ['x'] } });
    expect((await t.store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType)).toEqual([8]);
    expect((await t.store.messages.range('s:x', { limit: 10 })).map((m) => m.message.messageType)).toEqual([10]);
    expect(await t.store.groups.member('g1', 'x')).toMatchObject({ role: 'member', joinedSeq: 1 });
    // A new invite of the same user is a repeat: nothing changes, nobody is told.
    expect(await t.service.handle({ ...invite, commandId: 'c2' })).toEqual({ ok: true, value: { added: [] } });
    expect(
      stored()
        .filter(([u]) => u === 'x')
        .map(([, type]) => type),
    ).toEqual([10, 10]);
  });

  it('refuses an invite beyond the largest group size, adding nobody', async () => {
    const reply = await t.service.handle({ kind: 'invite', ...base('o', 'c1'), targetIds: ['x', 'y'] });
    expect(reply).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
    expect((await t.store.groups.members('g1')).map((m) => m.userId)).toEqual(['a', 'b', 'o']);
  });

  it('a redelivered kick or leave stores its notices once and answers as before', async () => {
    const kick: GroupCommand = { kind: 'kick', ...base('o', 'k1'), targetId: 'a' };
    expect((await t.service.handle(kick)).ok).toBe(true);
    expect((await t.service.handle(kick)).ok).toBe(true);
    const leave: GroupCommand = { kind: 'leave', ...base('b', 'l1') };
    expect((await t.service.handle(leave)).ok).toBe(true);
    expect((await t.service.handle(leave)).ok).toBe(true);
    expect((await t.store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType)).toEqual([9, 9]);
    expect((await t.store.messages.range('s:a', { limit: 10 })).map((m) => m.message.messageType)).toEqual([10, 64]);
    expect((await t.store.groups.members('g1')).map((m) => m.userId)).toEqual(['o']);
    expect(await t.service.handle({ kind: 'leave', ...base('b', 'l2') })).toMatchObject({
      ok: false,
      error: 'IM_ERR_NOT_MEMBER',
    });
  });

  it('redelivered apply / approve / refuse store and answer as before; a new application while pending is a conflict', async () => {
    const apply: GroupCommand = { kind: 'apply', ...base('x', 'p1'), message: 'hi' };
    expect(await t.service.handle(apply)).toEqual({ ok: true, value: { status: 'pending' } });
    expect(await t.service.handle(apply)).toEqual({ ok: true, value: { status: 'pending' } });
    expect(await t.service.handle({ ...apply, commandId: 'p2' })).toMatchObject({
      ok: false,
      error: 'IM_ERR_CONFLICT',
    });
    expect((await t.store.messages.range('s:o', { limit: 10 })).map((m) => m.message.messageType)).toEqual([13, 59]);
    const approve: GroupCommand = { kind: 'approve', ...base('o', 'v1'), targetId: 'x' };
    expect((await t.service.handle(approve)).ok).toBe(true);
    expect((await t.service.handle(approve)).ok).toBe(true);
    expect((await t.store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType)).toEqual([8]);
    expect((await t.store.messages.range('s:x', { limit: 10 })).map((m) => m.message.messageType)).toEqual([14, 60]);
    expect(await t.store.groups.member('g1', 'x')).toMatchObject({ role: 'member', joinedSeq: 1 });
    expect(await t.store.groups.applications('g1')).toEqual([]);
    // Full group: a new approval is refused.
    await t.store.groups.addApplication({ groupId: 'g1', userId: 'y', message: '', createdAt: 2 });
    expect(await t.service.handle({ kind: 'approve', ...base('o', 'v2'), targetId: 'y' })).toMatchObject({
      ok: false,
      error: 'IM_ERR_BAD_REQUEST',
    });
    const refuseIt: GroupCommand = { kind: 'refuse-application', ...base('o', 'r1'), targetId: 'y' };
    expect((await t.service.handle(refuseIt)).ok).toBe(true);
    expect((await t.service.handle(refuseIt)).ok).toBe(true);
    expect((await t.store.messages.range('s:y', { limit: 10 })).map((m) => m.message.messageType)).toEqual([61]);
    expect(await t.service.handle({ ...refuseIt, commandId: 'r2' })).toMatchObject({
      ok: false,
      error: 'IM_ERR_NOT_FOUND',
    });
  });

  it('a redelivered ownership accept or refuse answers as before and notifies once', async () => {
    await t.store.groups.setRole('g1', 'a', 'admin');
    expect((await t.service.handle({ kind: 'offer-ownership', ...base('o', 'f1'), targetId: 'b' })).ok).toBe(true);
    const refuseIt: GroupCommand = { kind: 'refuse-ownership', ...base('b', 'n1') };
    expect((await t.service.handle(refuseIt)).ok).toBe(true);
    expect((await t.service.handle(refuseIt)).ok).toBe(true);
    expect((await t.service.handle({ kind: 'offer-ownership', ...base('o', 'f2'), targetId: 'b' })).ok).toBe(true);
    const accept: GroupCommand = { kind: 'accept-ownership', ...base('b', 'y1') };
    expect((await t.service.handle(accept)).ok).toBe(true);
    expect((await t.service.handle(accept)).ok).toBe(true);
    expect((await t.store.messages.range('s:o', { limit: 10 })).map((m) => m.message.messageType)).toEqual([54, 53]);
    expect((await t.store.messages.range('s:b', { limit: 10 })).map((m) => m.message.messageType)).toEqual([
      10, 52, 52,
    ]);
    expect(await t.store.groups.get('g1')).toMatchObject({ ownerId: 'b' });
    expect((await t.store.groups.members('g1')).map((m) => [m.userId, m.role])).toEqual([
      ['a', 'admin'],
      ['b', 'owner'],
      ['o', 'admin'],
    ]);
    expect(await t.service.handle({ kind: 'accept-ownership', ...base('a', 'y2') })).toMatchObject({
      ok: false,
      error: 'IM_ERR_FORBIDDEN',
    });
    expect(await t.service.handle({ kind: 'offer-ownership', ...base('a', 'f3'), targetId: 'o' })).toMatchObject({
      ok: false,
      error: 'IM_ERR_FORBIDDEN',
    });
  });

  it('announcement: 47 the first time, 48 after; a redelivered change or remark stores its notice once; the same value tells nobody', async () => {
    const first: GroupCommand = { kind: 'set-attribute', ...base('o', 'n1'), attribute: 'announcement', value: 'Sat' };
    expect((await t.service.handle(first)).ok).toBe(true);
    expect((await t.service.handle(first)).ok).toBe(true);
    expect(
      (await t.service.handle({ kind: 'set-attribute', ...base('o', 'n2'), attribute: 'announcement', value: 'Sun' }))
        .ok,
    ).toBe(true);
    expect(
      (await t.service.handle({ kind: 'set-attribute', ...base('o', 'n3'), attribute: 'announcement', value: 'Sun' }))
        .ok,
    ).toBe(true);
    const remark: GroupCommand = { kind: 'set-remark', ...base('a', 'r1'), remark: 'Ali' };
    expect((await t.service.handle(remark)).ok).toBe(true);
    expect((await t.service.handle(remark)).ok).toBe(true);
    expect((await t.service.handle({ kind: 'set-remark', ...base('a', 'r2'), remark: 'Ali' })).ok).toBe(true);
    expect((await t.store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType)).toEqual([
      47, 48, 27,
    ]);
    expect(await t.store.groups.get('g1')).toMatchObject({ announcement: 'Sun' });
    expect(await t.store.groups.member('g1', 'a')).toMatchObject({ remark: 'Ali' });
    const byMember = await t.service.handle({
      kind: 'set-attribute',
      ...base('a', 'n4'),
      attribute: 'avatar',
      value: 'x',
    });
    expect(byMember).toMatchObject({ ok: false, error: 'IM_ERR_FORBIDDEN' });
  });

  it('mutes one member until at + minutes; an admin cannot mute the owner or another admin', async () => {
    await t.store.groups.setRole('g1', 'a', 'admin');
    expect((await t.service.handle({ kind: 'mute-member', ...base('a', 'm1'), targetId: 'b', minutes: 5 })).ok).toBe(
      true,
    );
    expect(await t.store.groups.member('g1', 'b')).toMatchObject({ mutedUntil: 1000 + 5 * 60_000 });
    expect(
      await t.service.handle({ kind: 'mute-member', ...base('a', 'm2'), targetId: 'o', minutes: 5 }),
    ).toMatchObject({
      ok: false,
      error: 'IM_ERR_FORBIDDEN',
    });
    expect(
      await t.service.handle({ kind: 'mute-member', ...base('b', 'm3'), targetId: 'a', minutes: 5 }),
    ).toMatchObject({
      ok: false,
      error: 'IM_ERR_FORBIDDEN',
    });
    expect((await t.service.handle({ kind: 'mute-member', ...base('o', 'm4'), targetId: 'a', minutes: 1 })).ok).toBe(
      true,
    );
    expect(
      await t.service.handle({ kind: 'mute-member', ...base('o', 'm5'), targetId: 'x', minutes: 1 }),
    ).toMatchObject({
      ok: false,
      error: 'IM_ERR_NOT_MEMBER',
    });
    expect((await t.service.handle({ kind: 'unmute-member', ...base('a', 'u1'), targetId: 'b' })).ok).toBe(true);
    expect(await t.store.groups.member('g1', 'b')).not.toHaveProperty('mutedUntil');
  });
});
