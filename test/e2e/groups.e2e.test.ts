import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';
import { expectRegistryShapes } from '../support/registry-shapes';

const settle = (ms = 250): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The group administration notices a client received. */
const groupTypes = (c: ImTestClient): number[] =>
  c.received.map((m) => m.messageType).filter((t) => [8, 9, 10, 25, 51, 55, 57, 62, 63, 64].includes(t));

describe('group administration end to end (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => {
    // Every notice the clients got has the shape the registry gives its type (docs/protocol.md).
    try {
      expectRegistryShapes(h.clients);
    } finally {
      h.closeClients();
    }
  });

  it('invite: 10 to the invitee, 8 to the members; the invitee gets the next message but not earlier history; a repeat changes nothing', async () => {
    const groupId = await h.createGroup('gi-o', ['gi-m']);
    const [o, m, x, outsider] = await Promise.all([
      h.connect('gi-o'),
      h.connect('gi-m'),
      h.connect('gi-x'),
      h.connect('gi-z'),
    ]);
    expect((await o.send(o.message(groupId, 'before', { fromType: 2 }))).code).toBe(0);
    await m.waitForMessages(1);
    const invited = await h.http('POST', `/v1/groups/${groupId}/members`, 'gi-o', { userIds: ['gi-x'] });
    expect(invited).toMatchObject({ status: 200, body: { added: ['gi-x'] } });
    await Promise.all([x.waitForMessages(1, 10), o.waitForMessages(1, 8), m.waitForMessages(1, 8)]);
    expect(x.ofType(10)[0]).toMatchObject({ fromId: 'gi-x', destId: groupId, fromType: 2 });
    expect(m.ofType(8)[0]).toMatchObject({ fromId: 'gi-x', destId: groupId, fromType: 2, seq: 2 });
    expect((await h.http('POST', `/v1/groups/${groupId}/members`, 'gi-o', { userIds: ['gi-x'] })).body).toEqual({
      added: [],
    });
    expect((await m.send(m.message(groupId, 'after', { fromType: 2 }))).code).toBe(0);
    await x.waitForMessages(1);
    expect(x.ofType(2).map((msg) => msg.content)).toEqual(['after']);
    expect((await h.http('GET', `/v1/groups/${groupId}/members`, 'gi-x')).body.members).toHaveLength(3);
    await settle();
    expect(groupTypes(x)).toEqual([10]);
    expect(groupTypes(o)).toEqual([8]);
    expect(outsider.received).toHaveLength(0);
  });

  it('stores the notices for an offline member: 8 in the group conversation, 10 in the invitee’s system conversation', async () => {
    const groupId = await h.createGroup('gf-o', ['gf-m']);
    expect((await h.http('POST', `/v1/groups/${groupId}/members`, 'gf-o', { userIds: ['gf-x'] })).status).toBe(200);
    const [m, x] = await Promise.all([h.connect('gf-m'), h.connect('gf-x')]);
    await Promise.all([m.waitForMessages(1, 8), x.waitForMessages(1, 10)]);
    await settle();
    // m was an initial member: the creation's 10 too (system and group conversations sync in either order).
    expect(groupTypes(m).sort((p, q) => p - q)).toEqual([8, 10]);
    expect(groupTypes(x)).toEqual([10]);
  });

  it('leave: 9 to the remaining members; the owner cannot leave', async () => {
    const groupId = await h.createGroup('gl-o', ['gl-a', 'gl-b']);
    const [o, a, b, outsider] = await Promise.all([
      h.connect('gl-o'),
      h.connect('gl-a'),
      h.connect('gl-b'),
      h.connect('gl-z'),
    ]);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/me`, 'gl-a')).status).toBe(204);
    await Promise.all([o.waitForMessages(1, 9), b.waitForMessages(1, 9)]);
    expect(b.ofType(9)[0]).toMatchObject({ fromId: 'gl-a', destId: groupId, fromType: 2 });
    const owner = await h.http('DELETE', `/v1/groups/${groupId}/members/me`, 'gl-o');
    expect(owner).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect(owner.body.error).toMatch(/owner cannot leave/);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/me`, 'gl-a')).status).toBe(403);
    expect((await b.send(b.message(groupId, 'still here', { fromType: 2 }))).code).toBe(0);
    await o.waitForMessages(1);
    await settle();
    // a got only the creation's 10: nothing of its own leave.
    expect(a.received.map((m) => m.messageType)).toEqual([10]);
    expect(outsider.received).toHaveLength(0);
  });

  it('kick: 64 to the kicked, 9 to the rest; the kicked member stops receiving and cannot send', async () => {
    const groupId = await h.createGroup('gk-o', ['gk-a', 'gk-b']);
    const [o, a, b, outsider] = await Promise.all([
      h.connect('gk-o'),
      h.connect('gk-a'),
      h.connect('gk-b'),
      h.connect('gk-z'),
    ]);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gk-a`, 'gk-b')).status).toBe(403);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gk-a`, 'gk-o')).status).toBe(204);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gk-a`, 'gk-o')).status).toBe(204);
    await Promise.all([a.waitForMessages(1, 64), o.waitForMessages(1, 9), b.waitForMessages(1, 9)]);
    expect(a.ofType(64)[0]).toMatchObject({ destId: groupId, fromId: 'gk-o' });
    expect(b.ofType(9)[0]).toMatchObject({ fromId: 'gk-a', destId: groupId });
    expect((await o.send(o.message(groupId, 'without a', { fromType: 2 }))).code).toBe(0);
    await b.waitForMessages(1);
    const refused = await a.send(a.message(groupId, 'let me in', { fromType: 2 }));
    expect(refused).toMatchObject({ code: 40302 });
    await settle();
    expect(groupTypes(a)).toEqual([10, 64]);
    expect(a.ofType(2)).toHaveLength(0);
    expect(b.ofType(2).map((m) => m.content)).toEqual(['without a']);
    expect(outsider.received).toHaveLength(0);
  });

  it('rename: 25 to every member with the new name', async () => {
    const groupId = await h.createGroup('gr-o', ['gr-a']);
    const [o, a, outsider] = await Promise.all([h.connect('gr-o'), h.connect('gr-a'), h.connect('gr-z')]);
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'gr-o', { name: 'Hikers' })).status).toBe(204);
    await Promise.all([o.waitForMessages(1, 25), a.waitForMessages(1, 25)]);
    expect(a.ofType(25)[0]).toMatchObject({ fromId: 'gr-o', destId: groupId, content: { name: 'Hikers' } });
    expect((await h.http('GET', '/v1/groups', 'gr-a')).body.groups).toMatchObject([
      { groupId, name: 'Hikers', role: 'member' },
    ]);
    await settle();
    expect(outsider.received).toHaveLength(0);
  });

  it('dismiss: 51 to all; sends and commands are refused afterwards', async () => {
    const groupId = await h.createGroup('gd-o', ['gd-a']);
    const [o, a, outsider] = await Promise.all([h.connect('gd-o'), h.connect('gd-a'), h.connect('gd-z')]);
    expect((await h.http('DELETE', `/v1/groups/${groupId}`, 'gd-a')).status).toBe(403);
    expect((await h.http('DELETE', `/v1/groups/${groupId}`, 'gd-o')).status).toBe(204);
    expect((await h.http('DELETE', `/v1/groups/${groupId}`, 'gd-o')).status).toBe(204);
    await Promise.all([o.waitForMessages(1, 51), a.waitForMessages(1, 51)]);
    const refused = await a.send(a.message(groupId, 'anyone?', { fromType: 2 }));
    expect(refused).toMatchObject({ code: 41001 });
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'gd-o', { name: 'Back' })).body).toMatchObject({
      name: 'IM_ERR_GROUP_DISMISSED',
    });
    await settle();
    expect(groupTypes(a)).toEqual([10, 51]);
    expect(groupTypes(o)).toEqual([51]);
    expect(outsider.received).toHaveLength(0);
  });

  it('refuses a member renaming, a member kicking, an admin kicking the owner, a non-member inviting', async () => {
    const groupId = await h.createGroup('gp-o', ['gp-a', 'gp-b']);
    await h.server.store.groups.addMembers(groupId, ['gp-admin'], 'admin', 0);
    const [o, a] = await Promise.all([h.connect('gp-o'), h.connect('gp-a')]);
    const rename = await h.http('PATCH', `/v1/groups/${groupId}`, 'gp-a', { name: 'Mine' });
    expect(rename).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gp-b`, 'gp-a')).status).toBe(403);
    const ownerKick = await h.http('DELETE', `/v1/groups/${groupId}/members/gp-o`, 'gp-admin');
    expect(ownerKick).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect((await h.http('POST', `/v1/groups/${groupId}/members`, 'gp-z', { userIds: ['gp-y'] })).body).toMatchObject({
      name: 'IM_ERR_NOT_MEMBER',
    });
    expect((await h.http('POST', `/v1/groups/${groupId}/members`, 'gp-a', { userIds: ['gp-y'] })).status).toBe(403);
    expect((await h.http('POST', `/v1/groups/no-such-group/members`, 'gp-o', { userIds: ['gp-y'] })).status).toBe(404);
    // An admin may kick a member and invite.
    expect((await h.http('POST', `/v1/groups/${groupId}/members`, 'gp-admin', { userIds: ['gp-y'] })).status).toBe(200);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gp-b`, 'gp-admin')).status).toBe(204);
    await settle();
    expect(groupTypes(o)).toEqual([8, 9]);
    expect(groupTypes(a)).toEqual([10, 8, 9]);
  });

  it('set / unset admin by the owner: 55 / 57 to the member concerned only; an admin cannot make admins, an ex-admin cannot kick', async () => {
    const groupId = await h.createGroup('ga-o', ['ga-a', 'ga-b']);
    const [o, a, b, outsider] = await Promise.all([
      h.connect('ga-o'),
      h.connect('ga-a'),
      h.connect('ga-b'),
      h.connect('ga-z'),
    ]);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ga-b`, 'ga-a')).status).toBe(403);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ga-a`, 'ga-o')).status).toBe(204);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ga-a`, 'ga-o')).status).toBe(204);
    await a.waitForMessages(1, 55);
    expect(a.ofType(55)[0]).toMatchObject({ fromId: 'ga-o', destId: groupId, fromType: 2 });
    expect((await h.http('GET', `/v1/groups/${groupId}/members`, 'ga-o')).body.members).toContainEqual({
      userId: 'ga-a',
      name: 'ga-a',
      avatar: '',
      role: 'admin',
    });
    // An admin cannot make admins; the owner's role does not change; only members can become admins.
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ga-b`, 'ga-a')).status).toBe(403);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ga-o`, 'ga-o')).status).toBe(400);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/ga-z`, 'ga-o')).body).toMatchObject({
      name: 'IM_ERR_NOT_MEMBER',
    });
    expect((await h.http('DELETE', `/v1/groups/${groupId}/admins/ga-a`, 'ga-o')).status).toBe(204);
    await a.waitForMessages(1, 57);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/ga-b`, 'ga-a')).status).toBe(403);
    await settle();
    expect(groupTypes(a)).toEqual([10, 55, 57]);
    expect(groupTypes(o)).toEqual([]);
    expect(groupTypes(b)).toEqual([10]); // the creation's only
    expect(outsider.received).toHaveLength(0);
  });

  it('mute: 62 / 63 to every member; while muted only the owner and admins may send, a member gets a clear error', async () => {
    const groupId = await h.createGroup('gm-o', ['gm-a', 'gm-b']);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/gm-a`, 'gm-o')).status).toBe(204);
    const [o, a, b, outsider] = await Promise.all([
      h.connect('gm-o'),
      h.connect('gm-a'),
      h.connect('gm-b'),
      h.connect('gm-z'),
    ]);
    expect((await h.http('PUT', `/v1/groups/${groupId}/mute`, 'gm-b')).status).toBe(403);
    expect((await h.http('PUT', `/v1/groups/${groupId}/mute`, 'gm-a')).status).toBe(204);
    expect((await h.http('PUT', `/v1/groups/${groupId}/mute`, 'gm-o')).status).toBe(204);
    await Promise.all([o.waitForMessages(1, 62), a.waitForMessages(1, 62), b.waitForMessages(1, 62)]);
    const refused = await b.send(b.message(groupId, 'can I?', { fromType: 2 }));
    expect(refused).toMatchObject({ code: 40307 });
    expect(String(refused.error)).toMatch(/muted/);
    expect((await a.send(a.message(groupId, 'admin speaks', { fromType: 2 }))).code).toBe(0);
    expect((await o.send(o.message(groupId, 'owner speaks', { fromType: 2 }))).code).toBe(0);
    await b.waitForMessages(2);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/mute`, 'gm-o')).status).toBe(204);
    await b.waitForMessages(1, 63);
    expect((await b.send(b.message(groupId, 'free again', { fromType: 2 }))).code).toBe(0);
    await o.waitForMessages(2);
    await settle();
    expect(groupTypes(b)).toEqual([10, 62, 63]);
    expect(groupTypes(o)).toEqual([62, 63]);
    expect(b.ofType(2).map((m) => m.content)).toEqual(['admin speaks', 'owner speaks']);
    expect(outsider.received).toHaveLength(0);
  });

  it('ownership transfer: 52 to the candidate; accept swaps roles and sends 53 to the old owner; refuse sends 54; an admin cannot offer', async () => {
    const transferTypes = (c: ImTestClient): number[] =>
      c.received.map((m) => m.messageType).filter((t) => [52, 53, 54].includes(t));
    const groupId = await h.createGroup('go-o', ['go-a', 'go-b']);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/go-a`, 'go-o')).status).toBe(204);
    const [o, a, b, outsider] = await Promise.all([
      h.connect('go-o'),
      h.connect('go-a'),
      h.connect('go-b'),
      h.connect('go-z'),
    ]);
    const byAdmin = await h.http('POST', `/v1/groups/${groupId}/owner/offer`, 'go-a', { userId: 'go-b' });
    expect(byAdmin).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/offer`, 'go-o', { userId: 'go-z' })).body).toMatchObject({
      name: 'IM_ERR_NOT_MEMBER',
    });
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/accept`, 'go-b')).status).toBe(403);
    // Offer to b, refused: 54 to the owner, nothing changes.
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/offer`, 'go-o', { userId: 'go-b' })).status).toBe(204);
    await b.waitForMessages(1, 52);
    expect(b.ofType(52)[0]).toMatchObject({
      fromId: 'go-o',
      destId: groupId,
      fromType: 2,
      content: { groupId, by: 'go-o' },
    });
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/accept`, 'go-a')).status).toBe(403);
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/refuse`, 'go-b')).status).toBe(204);
    await o.waitForMessages(1, 54);
    expect(o.ofType(54)[0]).toMatchObject({ fromId: 'go-b', destId: groupId });
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/accept`, 'go-b')).status).toBe(403);
    // Offer to b again, accepted: roles swap, 53 to the old owner.
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/offer`, 'go-o', { userId: 'go-b' })).status).toBe(204);
    await b.waitForMessages(2, 52);
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/accept`, 'go-b')).status).toBe(204);
    await o.waitForMessages(1, 53);
    expect(o.ofType(53)[0]).toMatchObject({ fromId: 'go-b', destId: groupId, content: { groupId, by: 'go-b' } });
    const members = (await h.http('GET', `/v1/groups/${groupId}/members`, 'go-o')).body.members;
    expect(members).toEqual(
      expect.arrayContaining([
        { userId: 'go-b', name: 'go-b', avatar: '', role: 'owner' },
        { userId: 'go-o', name: 'go-o', avatar: '', role: 'admin' },
        { userId: 'go-a', name: 'go-a', avatar: '', role: 'admin' },
      ]),
    );
    expect((await h.http('GET', '/v1/groups', 'go-b')).body.groups).toMatchObject([
      { groupId, ownerId: 'go-b', role: 'owner' },
    ]);
    // The old owner may now leave; the old owner cannot offer any more; the new owner can.
    expect((await h.http('POST', `/v1/groups/${groupId}/owner/offer`, 'go-o', { userId: 'go-a' })).status).toBe(403);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/me`, 'go-b')).status).toBe(403);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/me`, 'go-o')).status).toBe(204);
    await settle();
    expect(transferTypes(b)).toEqual([52, 52]);
    expect(transferTypes(o)).toEqual([54, 53]);
    expect(transferTypes(a)).toEqual([]);
    expect(outsider.received).toHaveLength(0);
  });

  it('avatar 46, announcement 47 then 48, introduction 56 to every member; GET returns them to members only; a member cannot change them', async () => {
    const attributeTypes = (c: ImTestClient): number[] =>
      c.received.map((m) => m.messageType).filter((t) => [46, 47, 48, 56].includes(t));
    const groupId = await h.createGroup('gt-o', ['gt-a', 'gt-b']);
    expect((await h.http('PUT', `/v1/groups/${groupId}/admins/gt-a`, 'gt-o')).status).toBe(204);
    const [o, a, b, outsider] = await Promise.all([
      h.connect('gt-o'),
      h.connect('gt-a'),
      h.connect('gt-b'),
      h.connect('gt-z'),
    ]);
    const byMember = await h.http('PATCH', `/v1/groups/${groupId}`, 'gt-b', { announcement: 'mine' });
    expect(byMember).toMatchObject({ status: 403, body: { name: 'IM_ERR_FORBIDDEN' } });
    expect(
      (await h.http('PATCH', `/v1/groups/${groupId}`, 'gt-z', { avatar: 'https://cdn/x.png' })).body,
    ).toMatchObject({ name: 'IM_ERR_NOT_MEMBER' });
    expect(
      (
        await h.http('PATCH', `/v1/groups/${groupId}`, 'gt-o', {
          avatar: 'https://cdn/g.png',
          announcement: 'Hike Saturday',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await h.http('PATCH', `/v1/groups/${groupId}`, 'gt-a', {
          announcement: 'Hike Sunday',
          introduction: 'Weekend hikes',
        })
      ).status,
    ).toBe(204);
    // The same value again changes nothing.
    expect((await h.http('PATCH', `/v1/groups/${groupId}`, 'gt-a', { introduction: 'Weekend hikes' })).status).toBe(
      204,
    );
    await Promise.all([o.waitForMessages(1, 56), a.waitForMessages(1, 56), b.waitForMessages(1, 56)]);
    expect(b.ofType(46)[0]).toMatchObject({
      fromId: 'gt-o',
      destId: groupId,
      fromType: 2,
      content: { avatar: 'https://cdn/g.png' },
    });
    expect(b.ofType(47)[0]).toMatchObject({ fromId: 'gt-o', content: { announcement: 'Hike Saturday' } });
    expect(b.ofType(48)[0]).toMatchObject({ fromId: 'gt-a', content: { announcement: 'Hike Sunday' } });
    expect(b.ofType(56)[0]).toMatchObject({ fromId: 'gt-a', content: { introduction: 'Weekend hikes' } });
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'gt-b')).body).toMatchObject({
      groupId,
      ownerId: 'gt-o',
      avatar: 'https://cdn/g.png',
      announcement: 'Hike Sunday',
      introduction: 'Weekend hikes',
      role: 'member',
    });
    expect((await h.http('GET', `/v1/groups/${groupId}`, 'gt-z')).body).toMatchObject({ name: 'IM_ERR_NOT_MEMBER' });
    await settle();
    for (const c of [o, a, b]) expect(attributeTypes(c)).toEqual([46, 47, 48, 56]);
    expect(outsider.received).toHaveLength(0);
  });

  it('remark: any member sets their own, 27 to every member with {userId, remark}; a non-member is refused', async () => {
    const groupId = await h.createGroup('gn-o', ['gn-a']);
    const [o, a, outsider] = await Promise.all([h.connect('gn-o'), h.connect('gn-a'), h.connect('gn-z')]);
    expect(
      (await h.http('PUT', `/v1/groups/${groupId}/members/me/remark`, 'gn-z', { remark: 'Zed' })).body,
    ).toMatchObject({ name: 'IM_ERR_NOT_MEMBER' });
    expect((await h.http('PUT', `/v1/groups/${groupId}/members/me/remark`, 'gn-a', { remark: 'Ali' })).status).toBe(
      204,
    );
    await Promise.all([o.waitForMessages(1, 27), a.waitForMessages(1, 27)]);
    expect(o.ofType(27)[0]).toMatchObject({
      fromId: 'gn-a',
      destId: groupId,
      fromType: 2,
      content: { userId: 'gn-a', remark: 'Ali' },
    });
    expect((await h.http('GET', `/v1/groups/${groupId}/members`, 'gn-o')).body.members).toContainEqual({
      userId: 'gn-a',
      name: 'gn-a',
      avatar: '',
      role: 'member',
      remark: 'Ali',
    });
    await settle();
    expect(o.ofType(27)).toHaveLength(1);
    expect(a.ofType(27)).toHaveLength(1);
    expect(outsider.received).toHaveLength(0);
  });

  it('mute one member: their sends are refused until unmuted; an admin cannot mute the owner or another admin; a member cannot mute', async () => {
    const groupId = await h.createGroup('gu-o', ['gu-a', 'gu-a2', 'gu-b']);
    for (const admin of ['gu-a', 'gu-a2'])
      expect((await h.http('PUT', `/v1/groups/${groupId}/admins/${admin}`, 'gu-o')).status).toBe(204);
    const [o, b, outsider] = await Promise.all([h.connect('gu-o'), h.connect('gu-b'), h.connect('gu-z')]);
    const mute = (by: string, target: string): Promise<{ status: number; body: { name?: string } }> =>
      h.http('PUT', `/v1/groups/${groupId}/members/${target}/mute`, by, { minutes: 1 });
    expect((await mute('gu-b', 'gu-a')).status).toBe(403);
    expect((await mute('gu-a', 'gu-o')).body).toMatchObject({ name: 'IM_ERR_FORBIDDEN' });
    expect((await mute('gu-a', 'gu-a2')).body).toMatchObject({ name: 'IM_ERR_FORBIDDEN' });
    expect((await mute('gu-z', 'gu-b')).body).toMatchObject({ name: 'IM_ERR_NOT_MEMBER' });
    expect((await mute('gu-a', 'gu-b')).status).toBe(204);
    const refused = await b.send(b.message(groupId, 'hello?', { fromType: 2 }));
    expect(refused).toMatchObject({ code: 40307 });
    expect(String(refused.error)).toMatch(/muted in this group until/);
    // The one group-send rule: a red packet, a collection or a group call is a send to the group too.
    const to = { type: 'group', id: groupId };
    expect(
      (await h.http('POST', '/v1/red-packets', 'gu-b', { to, kind: 'equal', total: 2, count: 1, requestId: 'gu-rp' }))
        .body,
    ).toMatchObject({ name: 'IM_ERR_GROUP_MUTED' });
    expect(
      (await h.http('POST', '/v1/collections', 'gu-b', { to, amount: 1, count: 1, requestId: 'gu-aa' })).body,
    ).toMatchObject({ name: 'IM_ERR_GROUP_MUTED' });
    expect(await b.send(b.message(groupId, '', { fromType: 2, messageType: 163 }))).toMatchObject({ code: 40307 });
    expect((await o.send(o.message(groupId, 'owner speaks', { fromType: 2 }))).code).toBe(0);
    await b.waitForMessages(1);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gu-b/mute`, 'gu-b')).status).toBe(403);
    expect((await h.http('DELETE', `/v1/groups/${groupId}/members/gu-b/mute`, 'gu-a')).status).toBe(204);
    expect((await b.send(b.message(groupId, 'free again', { fromType: 2 }))).code).toBe(0);
    await o.waitForMessages(1);
    await settle();
    expect(o.ofType(2).map((m) => m.content)).toEqual(['free again']);
    expect(outsider.received).toHaveLength(0);
  });
});
