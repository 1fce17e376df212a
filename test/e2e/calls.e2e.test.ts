import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig, ManualClock } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import type { ImMessage } from '@im/protocol';
import { EmbeddedHarness, TEST_SECRET, tokenFor } from '../support/embedded-harness';
import { ImTestClient } from '../support/im-client';
import { expectRegistryShapes } from '../support/registry-shapes';

const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CALL_TYPES = [42, 43, 44, 45, ...Array.from({ length: 13 }, (_, i) => 150 + i)];
const callTraffic = (c: ImTestClient): ImMessage[] => c.received.filter((m) => CALL_TYPES.includes(m.messageType));
const types = (c: ImTestClient): number[] => callTraffic(c).map((m) => m.messageType);

/** A WebRTC-like payload: relayed untouched, never logged. */
const SDP = { sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n', type: 'offer' };

describe('1:1 calls end to end (embedded)', () => {
  let h: EmbeddedHarness;
  const clock = new ManualClock(Date.now());
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  const signal = (from: ImTestClient, to: string, messageType: number, content: unknown = ''): ImMessage =>
    from.message(to, content, { messageType: messageType as ImMessage['messageType'] });
  const records = async (a: string, b: string): Promise<ImMessage[]> =>
    ((await h.http('GET', `/v1/messages?peerId=${b}`, a)).body.messages as ImMessage[]).filter(
      (m) => m.messageType === 162,
    );

  beforeAll(async () => {
    h = await EmbeddedHarness.start({ IM_CALL_DROP_GRACE_MS: '5000', IM_MULTI_DEVICE: 'many' }, undefined, clock);
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

  it('offer rings every device of the callee; accept on one tells the caller and stops the others; hangup ends it with one 162; a third client sees nothing', async () => {
    const [a, b, z] = [u('ca'), u('cb'), u('cz')];
    const caller = await h.connect(a);
    const phone = await h.connect(b, { deviceId: 'phone' });
    const pc = await h.connect(b, { deviceId: 'pc' });
    const third = await h.connect(z);
    expect(await caller.send(signal(caller, b, 150, SDP))).toMatchObject({ code: 0 });
    await Promise.all([phone.waitForMessages(1, 150), pc.waitForMessages(1, 150)]);
    expect(phone.ofType(150)[0]).toMatchObject({ fromId: a, destId: b, content: SDP });
    expect(await phone.send(signal(phone, a, 152, { ...SDP, type: 'answer' }))).toMatchObject({ code: 0 });
    await caller.waitForMessages(1, 152);
    expect(caller.ofType(152)[0]).toMatchObject({ fromId: b, destId: a, content: { ...SDP, type: 'answer' } });
    await pc.waitForMessages(1, 152);
    expect(pc.ofType(152)[0]).toMatchObject({ fromId: b });
    expect(await pc.send(signal(pc, a, 152))).toMatchObject({ code: 40901 });
    clock.advance(65_000);
    expect(await caller.send(signal(caller, b, 156))).toMatchObject({ code: 0 });
    await phone.waitForMessages(1, 156);
    await Promise.all([caller.waitForMessages(1, 162), phone.waitForMessages(1, 162), pc.waitForMessages(1, 162)]);
    expect(phone.ofType(162)[0]).toMatchObject({
      fromId: a,
      destId: b,
      content: { kind: 'audio', callerId: a, calleeId: b, outcome: 'completed', duration: 65 },
    });
    expect(await caller.send(signal(caller, b, 156))).toMatchObject({ code: 40401 });
    await settle();
    expect(types(phone)).toEqual([150, 156, 162]);
    expect(types(pc)).toEqual([150, 152, 162]);
    expect(types(caller)).toEqual([152, 162]);
    expect(third.received).toHaveLength(0);
    expect(await records(a, b)).toHaveLength(1);
  });

  it('refuse (155) tells the caller and is recorded; the older 42/43 and 44/45 dialect works the same way', async () => {
    const [a, b] = [u('ra'), u('rb')];
    const [caller, callee] = await Promise.all([h.connect(a), h.connect(b)]);
    expect((await caller.send(signal(caller, b, 151))).code).toBe(0);
    await callee.waitForMessages(1, 151);
    expect((await callee.send(signal(callee, a, 155))).code).toBe(0);
    await caller.waitForMessages(1, 155);
    await caller.waitForMessages(1, 162);
    expect(caller.ofType(162)[0]?.content).toMatchObject({ kind: 'video', outcome: 'refused', duration: 0 });

    expect((await caller.send(signal(caller, b, 42))).code).toBe(0);
    await callee.waitForMessages(1, 42);
    expect((await callee.send(signal(callee, a, 43, 1))).code).toBe(0);
    await caller.waitForMessages(1, 43);
    expect(caller.ofType(43)[0]).toMatchObject({ fromId: b, content: 1 });
    expect((await callee.send(signal(callee, a, 156))).code).toBe(0);
    await caller.waitForMessages(2, 162);

    expect((await caller.send(signal(caller, b, 44))).code).toBe(0);
    await callee.waitForMessages(1, 44);
    expect((await callee.send(signal(callee, a, 45, 0))).code).toBe(0);
    await caller.waitForMessages(1, 45);
    expect(caller.ofType(45)[0]).toMatchObject({ content: 0 });
    await caller.waitForMessages(3, 162);
    expect(caller.ofType(162).map((m) => (m.content as { outcome: string }).outcome)).toEqual([
      'refused',
      'completed',
      'refused',
    ]);
    expect(await callee.send(signal(callee, a, 43, 2))).toMatchObject({ code: 40006 });
  });

  it('a callee device that connects while the call rings is rung too, and can answer it', async () => {
    const [a, b] = [u('la'), u('lb')];
    const caller = await h.connect(a);
    expect((await caller.send(signal(caller, b, 150, SDP))).code).toBe(0);
    clock.advance(10_000);
    const late = await h.connect(b, { deviceId: 'woken-by-push' });
    await late.waitForMessages(1, 150);
    expect(late.ofType(150)[0]).toMatchObject({ fromId: a, content: SDP });
    expect((await late.send(signal(late, a, 152))).code).toBe(0);
    await caller.waitForMessages(1, 152);
    const another = await h.connect(b, { deviceId: 'tablet' });
    await settle();
    expect(another.received.filter((m) => m.messageType === 150)).toHaveLength(0);
    expect((await late.send(signal(late, a, 156))).code).toBe(0);
  });

  it('busy: a call to someone already in a call is refused at once, recorded, and never rings', async () => {
    const [a, b, c] = [u('ba'), u('bb'), u('bc')];
    const [ca, cb, cc] = await Promise.all([h.connect(a), h.connect(b), h.connect(c)]);
    expect((await ca.send(signal(ca, b, 150))).code).toBe(0);
    await cb.waitForMessages(1, 150);
    expect((await cc.send(signal(cc, b, 150))).code).toBe(0);
    await cc.waitForMessages(1, 154);
    expect(cc.ofType(154)[0]).toMatchObject({ fromId: b, destId: c, content: 'busy' });
    await cc.waitForMessages(1, 162);
    expect(cc.ofType(162)[0]?.content).toMatchObject({ outcome: 'busy', callerId: c, calleeId: b });
    expect(await cc.send(signal(cc, b, 44))).toMatchObject({ code: 0 });
    await cc.waitForMessages(1, 45);
    expect(cc.ofType(45)[0]).toMatchObject({ content: 0 });
    expect(await ca.send(signal(ca, c, 150))).toMatchObject({
      code: 40901,
      error: expect.stringMatching(/already in a call/),
    });
    await settle();
    // The callee never rang for c; the conversation with c holds the two busy records.
    expect(types(cb)).toEqual([150, 162, 162]);
    expect(cb.ofType(162).map((m) => [m.fromId, (m.content as { outcome: string }).outcome])).toEqual([
      [c, 'busy'],
      [c, 'busy'],
    ]);
    expect((await ca.send(signal(ca, b, 156))).code).toBe(0);
  });

  it('a call nobody answers ends as missed when the ringing times out (30 s), and can no longer be answered', async () => {
    const [a, b] = [u('ma'), u('mb')];
    const [ca, cb] = await Promise.all([h.connect(a), h.connect(b)]);
    expect((await ca.send(signal(ca, b, 151))).code).toBe(0);
    await cb.waitForMessages(1, 151);
    clock.advance(29_000);
    await settle(700);
    expect(cb.ofType(162)).toHaveLength(0);
    clock.advance(1_000);
    await Promise.all([ca.waitForMessages(1, 162), cb.waitForMessages(1, 162)]);
    expect(cb.ofType(162)[0]?.content).toMatchObject({ outcome: 'missed', kind: 'video', duration: 0 });
    expect(await cb.send(signal(cb, a, 153))).toMatchObject({ code: 40401 });
    expect((await ca.send(signal(ca, b, 150))).code).toBe(0);
    expect((await ca.send(signal(ca, b, 156))).code).toBe(0);
  });

  it('switch: video to audio (157); audio to video asked (158), agreed (159) or refused (160); signals out of turn are refused', async () => {
    const [a, b] = [u('sa'), u('sb')];
    const [ca, cb] = await Promise.all([h.connect(a), h.connect(b)]);
    await ca.send(signal(ca, b, 151));
    await cb.waitForMessages(1, 151);
    expect(await cb.send(signal(cb, a, 157))).toMatchObject({ code: 40901 });
    await cb.send(signal(cb, a, 153));
    await ca.waitForMessages(1, 153);
    expect(await ca.send(signal(ca, b, 159))).toMatchObject({ code: 40901 });
    expect((await cb.send(signal(cb, a, 157))).code).toBe(0);
    await ca.waitForMessages(1, 157);
    expect(await ca.send(signal(ca, b, 157))).toMatchObject({
      code: 40901,
      error: expect.stringMatching(/not a video call/),
    });
    expect((await ca.send(signal(ca, b, 158))).code).toBe(0);
    await cb.waitForMessages(1, 158);
    expect(await ca.send(signal(ca, b, 159))).toMatchObject({ code: 40901 });
    expect((await cb.send(signal(cb, a, 160))).code).toBe(0);
    await ca.waitForMessages(1, 160);
    expect((await cb.send(signal(cb, a, 158))).code).toBe(0);
    await ca.waitForMessages(1, 158);
    expect((await ca.send(signal(ca, b, 159))).code).toBe(0);
    await cb.waitForMessages(1, 159);
    expect((await ca.send(signal(ca, b, 157))).code).toBe(0);
    await cb.waitForMessages(1, 157);
    await ca.send(signal(ca, b, 156));
    await cb.waitForMessages(1, 162);
    await settle();
    expect(types(ca)).toEqual([153, 157, 160, 158, 162]);
    expect(types(cb)).toEqual([151, 158, 159, 157, 156, 162]);
    expect(cb.ofType(162)[0]?.content).toMatchObject({ kind: 'video', outcome: 'completed' });
  });

  it('only the two parties, from the device in the call, may signal; bad input changes nothing', async () => {
    const [a, b, z] = [u('oa'), u('ob'), u('oz')];
    const ca = await h.connect(a);
    const phone = await h.connect(b, { deviceId: 'phone' });
    const pc = await h.connect(b, { deviceId: 'pc' });
    const cz = await h.connect(z);
    await ca.send(signal(ca, b, 150));
    await phone.waitForMessages(1, 150);
    expect(await cz.send(signal(cz, a, 152))).toMatchObject({ code: 40401 });
    expect(await cz.send(signal(cz, b, 156))).toMatchObject({ code: 40401 });
    expect(await cz.send({ ...signal(cz, a, 152), fromId: b })).toMatchObject({ code: 40301 });
    expect(await ca.send(signal(ca, a, 150))).toMatchObject({ code: 40008 });
    expect(await ca.send({ ...signal(ca, b, 150), fromType: 2 })).toMatchObject({ code: 40007 });
    expect(await ca.send(signal(ca, b, 161))).toMatchObject({ code: 40005 });
    expect(await ca.send(signal(ca, b, 162))).toMatchObject({ code: 40005 });
    expect((await phone.send(signal(phone, a, 152))).code).toBe(0);
    await ca.waitForMessages(1, 152);
    expect(await pc.send(signal(pc, a, 158))).toMatchObject({ code: 40305 });
    expect(await cz.send(signal(cz, a, 158))).toMatchObject({ code: 40401 });
    await settle();
    expect(cz.received).toHaveLength(0);
    expect(types(ca)).toEqual([152]);
    expect((await phone.send(signal(phone, a, 156))).code).toBe(0);
  });

  it('a party whose call device drops: back within the grace period, the call goes on; gone past it, the other side gets 161', async () => {
    const [a, b] = [u('da'), u('db')];
    const ca = await h.connect(a);
    let cb = await h.connect(b, { deviceId: 'phone' });
    await ca.send(signal(ca, b, 150));
    await cb.waitForMessages(1, 150);
    await cb.send(signal(cb, a, 152));
    await ca.waitForMessages(1, 152);
    cb.close();
    await settle();
    clock.advance(4_000);
    cb = await h.connect(b, { deviceId: 'phone' });
    clock.advance(2_000);
    await settle(700);
    expect(ca.ofType(161)).toHaveLength(0);
    expect((await cb.send(signal(cb, a, 158))).code).toBe(0);
    await ca.waitForMessages(1, 158);
    cb.close();
    await settle();
    clock.advance(5_000);
    await ca.waitForMessages(1, 161);
    expect(ca.ofType(161)[0]).toMatchObject({ fromId: b, destId: a });
    await ca.waitForMessages(1, 162);
    expect(ca.ofType(162)[0]?.content).toMatchObject({ outcome: 'dropped', duration: 11 });
    expect(await ca.send(signal(ca, b, 156))).toMatchObject({ code: 40401 });
  });
});

describe('call and chatroom logs (embedded, level trace)', () => {
  it('never contain the WebRTC payloads of calls or the text of chatroom messages', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'im-call-logs-'));
    const config = loadConfig(EMBEDDED_CONFIG, {
      IM_PORT: '0',
      IM_HOST: '127.0.0.1',
      IM_DATA_DIR: dataDir,
      IM_ACK_TIMEOUT_MS: '1500',
    });
    const server = await startEmbedded(config, TEST_SECRET, createLogger({ level: 'trace', destination: sink }));
    const url = `http://127.0.0.1:${server.port}`;
    const marker = 'candidate:842163049 1 udp 1677729535 SECRET-ICE-5d1e';
    try {
      const a = await ImTestClient.connect(url, 'log-caller', tokenFor('log-caller'));
      const b = await ImTestClient.connect(url, 'log-callee', tokenFor('log-callee'));
      const offer = a.message('log-callee', { sdp: marker, type: 'offer' }, { messageType: 151 });
      expect((await a.send(offer)).code).toBe(0);
      await b.waitForMessages(1, 151);
      expect((await b.send(b.message('log-caller', { sdp: marker, type: 'answer' }, { messageType: 153 }))).code).toBe(
        0,
      );
      await a.waitForMessages(1, 153);
      expect((await a.send(a.message('log-callee', marker, { messageType: 156 }))).code).toBe(0);
      await b.waitForMessages(1, 162);
      expect((await a.sendRoom(a.message('log-room', '', { messageType: 100 }))).code).toBe(0);
      expect((await a.sendRoom(a.message('log-room', marker, { messageType: 102 }))).code).toBe(0);
      a.close();
      b.close();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(lines.some((l) => l.includes('call ended'))).toBe(true);
    for (const line of lines) expect(line).not.toContain('SECRET-ICE-5d1e');
  });
});
