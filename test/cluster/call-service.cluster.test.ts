// The call service as its own process: killed with -9 while a call rings and started again, the
// call still ends as missed (one 162); a gateway killed with -9 while a call is active: the call
// service notices through the dead gateway sweep and ends the call with 161 after the grace period.
// The parties are on different gateways; a third client sees nothing.
import { randomUUID } from 'node:crypto';
import type { ImMessage } from '@im/protocol';
import { ClusterHarness } from '../support/cluster-harness';
import type { ImTestClient } from '../support/im-client';

jest.setTimeout(120_000);

const settle = (ms = 500): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CALL_TYPES = new Set([42, 43, 44, 45, ...Array.from({ length: 19 }, (_, i) => 150 + i)]);
const callTypes = (c: ImTestClient): number[] => c.received.map((m) => m.messageType).filter((t) => CALL_TYPES.has(t));

describe('the call service process (cluster)', () => {
  let h: ClusterHarness;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const signal = (from: ImTestClient, to: string, messageType: number, content: unknown = ''): ImMessage =>
    from.message(to, content, { messageType: messageType as ImMessage['messageType'] });
  const records = async (gateway: number, a: string, b: string): Promise<ImMessage[]> =>
    ((await h.http(gateway, 'GET', `/v1/messages?peerId=${b}`, a)).body.messages as ImMessage[]).filter(
      (m) => m.messageType === 162,
    );

  beforeAll(async () => {
    h = await ClusterHarness.start({
      gateways: 2,
      env: { IM_CALL_RING_TIMEOUT_MS: '3000', IM_CALL_DROP_GRACE_MS: '1000', IM_MULTI_DEVICE: 'many' },
    });
  });
  afterAll(() => h?.stop());

  it('kill -9 of the call service while a call rings, a hangup sent while it is down refused, then a restart: the call ends as missed, with one 162 to both parties', async () => {
    const [a, b, z] = [u('ka'), u('kb'), u('kz')];
    const caller = await h.connect(0, a);
    const callee = await h.connect(1, b);
    const third = await h.connect(0, z);
    expect((await caller.send(signal(caller, b, 150, { sdp: 'v=0', type: 'offer' }))).code).toBe(0);
    await callee.waitForMessages(1, 150, 20_000);
    await h.kill('call');
    // Nobody answers the request: the sender is told to retry, and the stale signal is never applied later.
    expect(await caller.send(signal(caller, b, 156), 20_000)).toMatchObject({ code: 50301 });
    await settle(1_000);
    await h.restart('call');
    await Promise.all([caller.waitForMessages(1, 162, 30_000), callee.waitForMessages(1, 162, 30_000)]);
    expect(caller.ofType(162)[0]).toMatchObject({
      fromId: a,
      destId: b,
      content: { callerId: a, calleeId: b, outcome: 'missed', duration: 0, kind: 'audio' },
    });
    await settle(1_500);
    expect(callTypes(caller)).toEqual([162]);
    expect(callTypes(callee)).toEqual([150, 162]);
    expect(await records(1, b, a)).toHaveLength(1);
    expect(third.received).toHaveLength(0);
    // Both are free again: a new call rings.
    expect((await caller.send(signal(caller, b, 151))).code).toBe(0);
    await callee.waitForMessages(1, 151, 20_000);
    expect((await callee.send(signal(callee, a, 155))).code).toBe(0);
    await caller.waitForMessages(1, 155, 20_000);
  });

  it('a gateway killed with -9 during an active call: the other party gets 161 and the call ends as dropped (one 162)', async () => {
    const [a, b, z] = [u('ga'), u('gb'), u('gz')];
    const caller = await h.connect(0, a);
    const callee = await h.connect(1, b);
    const third = await h.connect(0, z);
    expect((await caller.send(signal(caller, b, 150))).code).toBe(0);
    await callee.waitForMessages(1, 150, 20_000);
    expect((await callee.send(signal(callee, a, 152))).code).toBe(0);
    await caller.waitForMessages(1, 152, 20_000);
    await h.kill('gateway1');
    // The presence lease lapses (IM_PRESENCE_TTL_MS 6 s), gateway0's sweep tells the call service, then the 1 s grace.
    await caller.waitForMessages(1, 161, 30_000);
    expect(caller.ofType(161)[0]).toMatchObject({ fromId: b, destId: a });
    await caller.waitForMessages(1, 162, 20_000);
    expect(caller.ofType(162)[0]?.content).toMatchObject({ callerId: a, calleeId: b, outcome: 'dropped' });
    await settle(1_500);
    expect(callTypes(caller)).toEqual([152, 161, 162]);
    expect(await records(0, a, b)).toHaveLength(1);
    expect(third.received).toHaveLength(0);
  });
});
