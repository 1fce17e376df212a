// Chatrooms and 1:1 calls with the parties on different gateways: both gateways and the services
// (the call service too) as separate processes on real Redis, Kafka and FerretDB; chatroom and
// call state in Redis.
import { randomUUID } from 'node:crypto';
import type { ImMessage } from '@im/protocol';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(120_000);

const settle = (ms = 500): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('chatrooms and calls across gateways (cluster)', () => {
  let h: ClusterHarness;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    h = await ClusterHarness.start({
      gateways: 2,
      env: {
        IM_CHATROOM_HISTORY: '5',
        IM_CHATROOM_MAX_MEMBERS: '2',
        IM_CALL_RING_TIMEOUT_MS: '3000',
        IM_CALL_DROP_GRACE_MS: '1000',
        IM_MULTI_DEVICE: 'many',
      },
    });
  });
  afterAll(() => h?.stop());

  it('chatroom: members on both gateways see enter, messages and leave; the history window and the size limit hold across gateways; an outsider sees nothing', async () => {
    const room = u('room');
    const [a, b, c, z] = [u('ra'), u('rb'), u('rc'), u('rz')];
    const ca = await h.connect(0, a);
    const cb = await h.connect(1, b);
    const cc = await h.connect(1, c);
    const cz = await h.connect(0, z);
    const m = (client: typeof ca, messageType: number, content: unknown = ''): ImMessage =>
      client.message(room, content, { messageType: messageType as ImMessage['messageType'] });
    expect(await ca.sendRoom(m(ca, 100))).toMatchObject({ code: 0, members: 1 });
    expect((await ca.sendRoom(m(ca, 102, 'before b'))).code).toBe(0);
    expect(await cb.sendRoom(m(cb, 100))).toMatchObject({ code: 0, members: 2 });
    await cb.waitFor(() => cb.roomReceived.some((x) => x.content === 'before b'), 20_000, 'history');
    await ca.waitFor(() => ca.roomReceived.some((x) => x.messageType === 100 && x.fromId === b), 20_000, '100 from b');
    expect(await cc.sendRoom(m(cc, 100))).toMatchObject({ code: 40305 });
    expect((await cb.sendRoom(m(cb, 102, 'hi from gateway 1'))).code).toBe(0);
    await ca.waitFor(
      () => ca.roomReceived.some((x) => x.content === 'hi from gateway 1'),
      20_000,
      'message across gateways',
    );
    cb.close();
    await ca.waitFor(
      () => ca.roomReceived.some((x) => x.messageType === 101 && x.fromId === b),
      20_000,
      '101 on disconnect',
    );
    expect(ca.roomReceived.find((x) => x.messageType === 101)).toMatchObject({ content: { members: 1 } });
    expect(await cc.sendRoom(m(cc, 100))).toMatchObject({ code: 0, members: 2 });
    await settle();
    expect(cz.roomReceived).toHaveLength(0);
    expect(cc.roomReceived.filter((x) => x.messageType === 102).map((x) => x.content)).toEqual([
      'before b',
      'hi from gateway 1',
    ]);
  });

  const signal = (
    from: { message: (d: string, c: unknown, e: Partial<ImMessage>) => ImMessage },
    to: string,
    messageType: number,
    content: unknown = '',
  ): ImMessage => from.message(to, content, { messageType: messageType as ImMessage['messageType'] });
  const callTypes = (c: { received: ImMessage[] }): number[] =>
    c.received.map((m) => m.messageType).filter((t) => t >= 42 && t <= 168 && (t <= 45 || t >= 150));

  it('call: the caller on one gateway rings the callee on both; accept on one stops the other; hangup records one 162; a third client sees nothing', async () => {
    const [a, b, z] = [u('ka'), u('kb'), u('kz')];
    const caller = await h.connect(0, a);
    const phone = await h.connect(1, b, { deviceId: 'phone' });
    const pc = await h.connect(0, b, { deviceId: 'pc' });
    const third = await h.connect(1, z);
    const sdp = { sdp: 'v=0 cluster', type: 'offer' };
    expect((await caller.send(signal(caller, b, 151, sdp))).code).toBe(0);
    await Promise.all([phone.waitForMessages(1, 151, 20_000), pc.waitForMessages(1, 151, 20_000)]);
    expect(phone.ofType(151)[0]).toMatchObject({ fromId: a, content: sdp });
    expect((await phone.send(signal(phone, a, 153, { type: 'answer' }))).code).toBe(0);
    await caller.waitForMessages(1, 153, 20_000);
    await pc.waitForMessages(1, 153, 20_000);
    expect(await pc.send(signal(pc, a, 153))).toMatchObject({ code: 40901 });
    expect((await phone.send(signal(phone, a, 157))).code).toBe(0);
    await caller.waitForMessages(1, 157, 20_000);
    expect((await caller.send(signal(caller, b, 156))).code).toBe(0);
    await phone.waitForMessages(1, 156, 20_000);
    await Promise.all([
      caller.waitForMessages(1, 162, 20_000),
      phone.waitForMessages(1, 162, 20_000),
      pc.waitForMessages(1, 162, 20_000),
    ]);
    expect(caller.ofType(162)[0]?.content).toMatchObject({
      kind: 'video',
      outcome: 'completed',
      callerId: a,
      calleeId: b,
    });
    await settle();
    expect(callTypes(caller)).toEqual([153, 157, 162]);
    expect(callTypes(phone)).toEqual([151, 156, 162]);
    expect(callTypes(pc)).toEqual([151, 153, 162]);
    expect(third.received).toHaveLength(0);
    const stored = (await h.http(1, 'GET', `/v1/messages?peerId=${a}`, b)).body.messages as ImMessage[];
    expect(stored.filter((m) => m.messageType === 162)).toHaveLength(1);
  });

  it('call: when the callee’s call device on one gateway drops, the caller on the other gets 161 after the grace period', async () => {
    const [a, b] = [u('da'), u('db')];
    const caller = await h.connect(0, a);
    const callee = await h.connect(1, b);
    expect((await caller.send(signal(caller, b, 150))).code).toBe(0);
    await callee.waitForMessages(1, 150, 20_000);
    expect((await callee.send(signal(callee, a, 152))).code).toBe(0);
    await caller.waitForMessages(1, 152, 20_000);
    callee.close();
    await caller.waitForMessages(1, 161, 20_000);
    expect(caller.ofType(161)[0]).toMatchObject({ fromId: b, destId: a });
    await caller.waitForMessages(1, 162, 20_000);
    expect(caller.ofType(162)[0]?.content).toMatchObject({ outcome: 'dropped' });
  });

  it('multi-party call: created on one gateway, joined from the other; 167, 168, 165, 166 reach the right clients; an outsider sees nothing', async () => {
    const [o, a, b] = [u('go'), u('ga'), u('gb')];
    const groupId = await h.createGroup(0, o, [a, b]);
    const co = await h.connect(0, o);
    const ca = await h.connect(1, a);
    const cb = await h.connect(1, b);
    const outsider = await h.connect(1, u('gz'));
    const g = (c: typeof co, messageType: number, content: unknown = ''): ImMessage =>
      c.message(groupId, content, { messageType: messageType as ImMessage['messageType'], fromType: 2 });
    expect((await co.send(g(co, 163, { userIds: [a] }))).code).toBe(0);
    await Promise.all([ca.waitForMessages(1, 163, 20_000), cb.waitForMessages(1, 167, 20_000)]);
    expect((await ca.send(g(ca, 163))).code).toBe(0);
    await co.waitForMessages(1, 168, 20_000);
    expect(co.ofType(168)[0]?.content).toMatchObject({ joined: a });
    expect(await outsider.send(g(outsider, 163))).toMatchObject({ code: 40302 });
    expect((await co.send(g(co, 165))).code).toBe(0);
    await ca.waitForMessages(1, 165, 20_000);
    await Promise.all([
      ca.waitForMessages(1, 166, 20_000),
      cb.waitForMessages(1, 166, 20_000),
      cb.waitForMessages(1, 162, 20_000),
    ]);
    expect(cb.ofType(162)[0]).toMatchObject({ destId: groupId, content: { callerId: o, participants: 2 } });
    await settle();
    expect(callTypes(cb)).toEqual([167, 166, 162]);
    expect(outsider.received).toHaveLength(0);
  });

  it('call: a legacy offer (42) refused with 43/0, then audio → video asked (158), refused (160), asked again and agreed (159), across gateways; a third client sees nothing', async () => {
    const [a, b, z] = [u('la'), u('lb'), u('lz')];
    const caller = await h.connect(0, a);
    const callee = await h.connect(1, b);
    const third = await h.connect(0, z);
    expect((await caller.send(signal(caller, b, 42))).code).toBe(0);
    await callee.waitForMessages(1, 42, 20_000);
    expect((await callee.send(signal(callee, a, 43, 0))).code).toBe(0);
    await caller.waitForMessages(1, 43, 20_000);
    await caller.waitForMessages(1, 162, 20_000);
    expect(caller.ofType(162)[0]?.content).toMatchObject({ callerId: a, calleeId: b, outcome: 'refused' });
    expect((await caller.send(signal(caller, b, 150))).code).toBe(0);
    await callee.waitForMessages(1, 150, 20_000);
    expect((await callee.send(signal(callee, a, 152))).code).toBe(0);
    await caller.waitForMessages(1, 152, 20_000);
    expect((await caller.send(signal(caller, b, 158))).code).toBe(0);
    await callee.waitForMessages(1, 158, 20_000);
    expect((await callee.send(signal(callee, a, 160))).code).toBe(0);
    await caller.waitForMessages(1, 160, 20_000);
    expect((await caller.send(signal(caller, b, 158))).code).toBe(0);
    await callee.waitForMessages(2, 158, 20_000);
    expect((await callee.send(signal(callee, a, 159))).code).toBe(0);
    await caller.waitForMessages(1, 159, 20_000);
    // Somebody else may not signal in this call.
    expect((await third.send(signal(third, b, 156))).code).not.toBe(0);
    expect((await callee.send(signal(callee, a, 156))).code).toBe(0);
    await caller.waitForMessages(2, 162, 20_000);
    expect(caller.ofType(162)[1]?.content).toMatchObject({ callerId: a, calleeId: b, outcome: 'completed' });
    await settle();
    expect(callTypes(caller)).toEqual([43, 162, 152, 160, 159, 156, 162]);
    expect(callTypes(callee)).toEqual([42, 162, 150, 158, 158, 162]);
    expect(third.received).toHaveLength(0);
  });

  it('call: busy across gateways, and a ringing call outlives the gateway it was set up through (the call service fires the timeout)', async () => {
    const [a, b, c] = [u('ta'), u('tb'), u('tc')];
    const caller = await h.connect(0, a);
    const callee = await h.connect(1, b);
    const other = await h.connect(1, c);
    expect((await caller.send(signal(caller, b, 150))).code).toBe(0);
    await callee.waitForMessages(1, 150, 20_000);
    expect((await other.send(signal(other, b, 150))).code).toBe(0);
    await other.waitForMessages(1, 154, 20_000);
    expect(other.ofType(154)[0]).toMatchObject({ fromId: b, content: 'busy' });
    await callee.waitForMessages(1, 162, 20_000);
    await h.kill('gateway0');
    // The busy record of c's call, then the missed record of a's.
    await callee.waitForMessages(2, 162, 20_000);
    expect(callee.ofType(162).map((m) => m.content)).toContainEqual(
      expect.objectContaining({ callerId: a, outcome: 'missed', duration: 0 }),
    );
    expect(callTypes(callee)).not.toContain(154);
  });
});
