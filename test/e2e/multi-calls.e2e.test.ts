import type { ImMessage } from '@im/protocol';
import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';
import { expectRegistryShapes } from '../support/registry-shapes';

const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MULTI = [162, 163, 164, 165, 166, 167, 168];
const types = (c: ImTestClient): number[] => c.received.map((m) => m.messageType).filter((t) => MULTI.includes(t));

describe('multi-party calls end to end (embedded)', () => {
  let h: EmbeddedHarness;
  let n = 0;
  const u = (name: string): string => `${name}-${++n}`;
  const signal = (from: ImTestClient, groupId: string, messageType: number, content: unknown = ''): ImMessage =>
    from.message(groupId, content, { messageType: messageType as ImMessage['messageType'], fromType: 2 });

  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_MULTI_CALL_MAX_PARTICIPANTS: '3' });
  });
  afterAll(() => h.stop());
  afterEach(() => {
    // Every message the clients got has the shape the registry gives its type (docs/protocol.md).
    try {
      expectRegistryShapes(h.clients);
    } finally {
      h.closeClients();
    }
  });

  it('create (164) invites the listed members and tells the group (167); joins and leaves reach the participants (168); the initiator ends it (165, 166) with one 162 in the group; an outsider sees nothing', async () => {
    const [o, a, b] = [u('mo'), u('ma'), u('mb')];
    const groupId = await h.createGroup(o, [a, b]);
    const [co, ca, cb, outsider] = await Promise.all([h.connect(o), h.connect(a), h.connect(b), h.connect(u('mz'))]);
    expect((await co.send(signal(co, groupId, 164, { userIds: [a] }))).code).toBe(0);
    await Promise.all([ca.waitForMessages(1, 164), ca.waitForMessages(1, 167), cb.waitForMessages(1, 167)]);
    expect(ca.ofType(164)[0]).toMatchObject({ fromId: o, destId: groupId, content: { userIds: [a] } });
    expect(cb.ofType(167)[0]).toMatchObject({
      fromId: o,
      destId: groupId,
      content: { media: 'video', initiatorId: o },
    });
    expect((await ca.send(signal(ca, groupId, 164))).code).toBe(0);
    await co.waitForMessages(1, 168);
    expect(co.ofType(168)[0]?.content).toMatchObject({ joined: a, participants: [o, a] });
    expect((await cb.send(signal(cb, groupId, 163))).code).toBe(0);
    await Promise.all([co.waitForMessages(2, 168), ca.waitForMessages(1, 168)]);
    expect((await cb.send(signal(cb, groupId, 165))).code).toBe(0);
    await Promise.all([co.waitForMessages(3, 168), ca.waitForMessages(2, 168)]);
    expect(ca.ofType(168)[1]?.content).toMatchObject({ left: b, participants: [o, a] });
    expect((await co.send(signal(co, groupId, 165))).code).toBe(0);
    await ca.waitForMessages(1, 165);
    await Promise.all([co.waitForMessages(1, 166), ca.waitForMessages(1, 166), cb.waitForMessages(1, 166)]);
    expect(cb.ofType(166)[0]?.content).toMatchObject({ reason: 'ended' });
    await Promise.all([co.waitForMessages(1, 162), ca.waitForMessages(1, 162), cb.waitForMessages(1, 162)]);
    expect(cb.ofType(162)[0]).toMatchObject({
      fromId: o,
      destId: groupId,
      fromType: 2,
      content: { kind: 'video', callerId: o, participants: 3 },
    });
    await settle();
    expect(types(co)).toEqual([168, 168, 168, 166, 162]);
    expect(types(ca)).toEqual([167, 164, 168, 168, 165, 166, 162]);
    expect(types(cb)).toEqual([167, 166, 162]);
    expect(outsider.received).toHaveLength(0);
    const stored = (await h.http('GET', `/v1/messages?groupId=${groupId}`, a)).body.messages as ImMessage[];
    expect(stored.filter((m) => m.messageType === 162)).toHaveLength(1);
  });

  it('169 carries an offer, answer or ICE candidate between two participants, untouched, and is refused for anyone not in the call', async () => {
    const [o, a, b] = [u('so'), u('sa'), u('sb')];
    const groupId = await h.createGroup(o, [a, b]);
    const [co, ca, cb] = await Promise.all([h.connect(o), h.connect(a), h.connect(b)]);
    const offer = { to: a, kind: 'offer', signal: { type: 'offer', sdp: 'v=0 o=- 1 2 IN IP4 127.0.0.1' } };
    expect(await co.send(signal(co, groupId, 169, offer))).toMatchObject({ code: 40401 });
    expect((await co.send(signal(co, groupId, 163, { userIds: [a] }))).code).toBe(0);
    // a is invited but not in yet: nothing to relay to.
    expect(await co.send(signal(co, groupId, 169, offer))).toMatchObject({ code: 40401 });
    expect((await ca.send(signal(ca, groupId, 163))).code).toBe(0);
    expect((await co.send(signal(co, groupId, 169, offer))).code).toBe(0);
    await ca.waitForMessages(1, 169);
    expect(ca.ofType(169)[0]).toMatchObject({ fromId: o, destId: groupId, fromType: 2, content: offer });
    const candidate = {
      to: o,
      kind: 'candidate',
      signal: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' },
    };
    expect((await ca.send(signal(ca, groupId, 169, candidate))).code).toBe(0);
    await co.waitForMessages(1, 169);
    expect(co.ofType(169)[0]?.content).toEqual(candidate);
    // b is a member but not in the call: may neither send nor be sent to.
    expect(await cb.send(signal(cb, groupId, 169, { ...offer, to: o }))).toMatchObject({ code: 40305 });
    expect(await co.send(signal(co, groupId, 169, { ...offer, to: b }))).toMatchObject({ code: 40401 });
    expect(await co.send(signal(co, groupId, 169, { ...offer, to: o }))).toMatchObject({ code: 40008 });
    expect(await co.send(signal(co, groupId, 169, { kind: 'offer', signal: {} }))).toMatchObject({ code: 40006 });
    const outsider = await h.connect(u('sz'));
    expect(await outsider.send(signal(outsider, groupId, 169, offer))).toMatchObject({ code: 40302 });
    await settle();
    expect(cb.ofType(169)).toHaveLength(0);
    expect(ca.ofType(169)).toHaveLength(1);
  });

  it('the last one out destroys the call; a disconnected participant leaves it', async () => {
    const [o, a] = [u('lo'), u('la')];
    const groupId = await h.createGroup(o, [a]);
    const [co, ca] = await Promise.all([h.connect(o), h.connect(a)]);
    expect((await co.send(signal(co, groupId, 163))).code).toBe(0);
    await ca.waitForMessages(1, 163);
    expect((await ca.send(signal(ca, groupId, 163))).code).toBe(0);
    await co.waitForMessages(1, 168);
    co.close();
    await ca.waitForMessages(1, 168);
    expect(ca.ofType(168)[0]?.content).toMatchObject({ left: o, participants: [a] });
    expect((await ca.send(signal(ca, groupId, 165))).code).toBe(0);
    await ca.waitForMessages(1, 166);
    expect(ca.ofType(166)[0]?.content).toMatchObject({ reason: 'empty' });
    await ca.waitForMessages(1, 162);
    expect((await ca.send(signal(ca, groupId, 165))).code).toBe(40401);
  });

  it('only members may create or join, up to the limit; bad input changes nothing', async () => {
    const [o, a, b, c] = [u('ro'), u('ra'), u('rb'), u('rc')];
    const groupId = await h.createGroup(o, [a, b, c]);
    const [co, ca, cb, cc, outsider] = await Promise.all([
      h.connect(o),
      h.connect(a),
      h.connect(b),
      h.connect(c),
      h.connect(u('rz')),
    ]);
    expect(await outsider.send(signal(outsider, groupId, 163))).toMatchObject({ code: 40302 });
    expect(await co.send(signal(co, groupId, 163, { userIds: [outsider.userId] }))).toMatchObject({
      code: 40008,
      error: expect.stringMatching(/not a member/),
    });
    expect(await co.send(signal(co, groupId, 163, { userIds: 'everyone' }))).toMatchObject({ code: 40006 });
    expect(await co.send(signal(co, 'no-such-group', 163))).toMatchObject({ code: 40401 });
    expect(await co.send({ ...signal(co, groupId, 163), fromType: 1 })).toMatchObject({ code: 40007 });
    expect(await co.send({ ...signal(co, groupId, 163), fromId: a })).toMatchObject({ code: 40301 });
    expect(await co.send(signal(co, groupId, 165))).toMatchObject({ code: 40401 });
    expect(await co.send(signal(co, groupId, 166))).toMatchObject({ code: 40005 });
    await settle();
    expect(ca.received.filter((m) => MULTI.includes(m.messageType))).toHaveLength(0);
    expect((await co.send(signal(co, groupId, 163))).code).toBe(0);
    expect((await ca.send(signal(ca, groupId, 163))).code).toBe(0);
    expect((await cb.send(signal(cb, groupId, 163))).code).toBe(0);
    expect(await cc.send(signal(cc, groupId, 163))).toMatchObject({
      code: 40305,
      error: expect.stringMatching(/full/),
    });
    expect(await outsider.send(signal(outsider, groupId, 165))).toMatchObject({ code: 40302 });
    expect((await co.send(signal(co, groupId, 165))).code).toBe(0);
    await cc.waitForMessages(1, 166);
    await cc.waitForMessages(1, 162);
    expect(outsider.received).toHaveLength(0);
  });
});
