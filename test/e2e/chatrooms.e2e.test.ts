import { randomUUID } from 'node:crypto';
import { ManualClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';

const settle = (ms = 250): Promise<void> => new Promise((r) => setTimeout(r, ms));

const roomMsg = (
  c: ImTestClient,
  roomId: string,
  messageType: number,
  content: unknown = '',
): ReturnType<ImTestClient['message']> =>
  c.message(roomId, content, { messageType: messageType as ImMessage['messageType'] });

describe('chatrooms end to end (embedded)', () => {
  let h: EmbeddedHarness;
  const clock = new ManualClock(Date.now());
  const room = (): string => `room-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    h = await EmbeddedHarness.start(
      {
        IM_CHATROOM_HISTORY: '3',
        IM_CHATROOM_MAX_MEMBERS: '3',
        IM_CHATROOM_RATE_PER_SEC: '4',
        IM_RATE_LIMIT_BURST: '1000',
      },
      undefined,
      clock,
    );
  });
  afterAll(() => h.stop());
  afterEach(() => {
    h.closeClients();
    clock.advance(1000);
  });

  it('enter (100), message (102), leave (101): members see each other, a client outside the room sees nothing', async () => {
    const r = room();
    const [a, b, outsider] = await Promise.all([h.connect('cr-a'), h.connect('cr-b'), h.connect('cr-z')]);
    expect(await a.sendRoom(roomMsg(a, r, 100))).toMatchObject({ code: 0, members: 1 });
    expect(await b.sendRoom(roomMsg(b, r, 100))).toMatchObject({ code: 0, members: 2 });
    expect(await b.sendRoom(roomMsg(b, r, 100))).toMatchObject({ code: 0, members: 2 });
    await a.waitFor(() => a.roomReceived.some((m) => m.messageType === 100), 5000, '100');
    expect(a.roomReceived[0]).toMatchObject({ messageType: 100, fromId: 'cr-b', destId: r, content: { members: 2 } });
    const said = await a.sendRoom(roomMsg(a, r, 102, 'hello room'));
    expect(said).toMatchObject({ code: 0, members: 2 });
    await b.waitFor(() => b.roomReceived.some((m) => m.messageType === 102), 5000, '102');
    expect(b.roomReceived.find((m) => m.messageType === 102)).toMatchObject({
      fromId: 'cr-a',
      destId: r,
      content: 'hello room',
      sendTime: clock.now(),
    });
    expect(await b.sendRoom(roomMsg(b, r, 101))).toMatchObject({ code: 0, members: 1 });
    await a.waitFor(() => a.roomReceived.some((m) => m.messageType === 101), 5000, '101');
    expect(a.roomReceived.find((m) => m.messageType === 101)).toMatchObject({
      fromId: 'cr-b',
      content: { members: 1 },
    });
    expect(await a.sendRoom(roomMsg(a, r, 102, 'alone now'))).toMatchObject({ code: 0 });
    await settle();
    expect(b.roomReceived.filter((m) => m.messageType === 102)).toHaveLength(1);
    expect(a.roomReceived.filter((m) => m.messageType === 100)).toHaveLength(1);
    expect(a.roomReceived.filter((m) => m.messageType === 102)).toHaveLength(0);
    expect(outsider.roomReceived).toHaveLength(0);
    expect(outsider.received).toHaveLength(0);
    expect(a.received.concat(b.received).filter((m) => m.messageType >= 100 && m.messageType <= 102)).toHaveLength(0);
  });

  it('gives an entering socket the last messages of the window, oldest first', async () => {
    const r = room();
    const a = await h.connect('ch-a');
    await a.sendRoom(roomMsg(a, r, 100));
    for (let i = 1; i <= 4; i++) {
      clock.advance(1000);
      expect((await a.sendRoom(roomMsg(a, r, 102, `m${i}`))).code).toBe(0);
    }
    const b = await h.connect('ch-b');
    await b.sendRoom(roomMsg(b, r, 100));
    await b.waitFor(() => b.roomReceived.length >= 3, 5000, 'history');
    expect(b.roomReceived.map((m) => m.content)).toEqual(['m2', 'm3', 'm4']);
  });

  it('refuses a fourth socket in a room of three, and takes it once one leaves by disconnecting', async () => {
    const r = room();
    const [a, b, c, d] = await Promise.all([
      h.connect('cs-a'),
      h.connect('cs-b'),
      h.connect('cs-c'),
      h.connect('cs-d'),
    ]);
    for (const x of [a, b, c]) expect((await x.sendRoom(roomMsg(x, r, 100))).code).toBe(0);
    expect(await d.sendRoom(roomMsg(d, r, 100))).toMatchObject({ code: 40305, error: expect.stringMatching(/full/) });
    c.close();
    await a.waitFor(
      () => a.roomReceived.some((m) => m.messageType === 101 && m.fromId === 'cs-c'),
      5000,
      '101 on disconnect',
    );
    expect(a.roomReceived.find((m) => m.messageType === 101)).toMatchObject({ content: { members: 2 } });
    expect(await d.sendRoom(roomMsg(d, r, 100))).toMatchObject({ code: 0, members: 3 });
    expect(await d.sendRoom(roomMsg(d, r, 102, 'made it'))).toMatchObject({ code: 0 });
    await b.waitFor(() => b.roomReceived.some((m) => m.content === 'made it'), 5000, 'message');
  });

  it('limits a user to the configured messages per second, across their sockets, until the next second', async () => {
    const r = room();
    clock.advance(1000 - (clock.now() % 1000));
    const phone = await h.connect('cl-a', { deviceId: 'phone', devType: 1 });
    const pc = await h.connect('cl-a', { deviceId: 'pc', devType: 3 });
    expect((await phone.sendRoom(roomMsg(phone, r, 100))).code).toBe(0);
    expect((await pc.sendRoom(roomMsg(pc, r, 100))).code).toBe(0);
    expect((await phone.sendRoom(roomMsg(phone, r, 102, 'one'))).code).toBe(0);
    expect((await pc.sendRoom(roomMsg(pc, r, 102, 'two'))).code).toBe(0);
    expect(await phone.sendRoom(roomMsg(phone, r, 102, 'three'))).toMatchObject({ code: 42901 });
    clock.advance(1000);
    expect((await phone.sendRoom(roomMsg(phone, r, 102, 'later'))).code).toBe(0);
    await pc.waitFor(() => pc.roomReceived.some((m) => m.content === 'later'), 5000, 'later');
    expect(pc.roomReceived.map((m) => m.content)).not.toContain('three');
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const r = room();
    const [a, b] = await Promise.all([h.connect('cb-a'), h.connect('cb-b')]);
    expect(await a.sendRoom(roomMsg(a, r, 102, 'not in yet'))).toMatchObject({
      code: 40305,
      error: expect.stringMatching(/enter the chatroom/),
    });
    expect(await a.sendRoom(roomMsg(a, r, 101))).toMatchObject({ code: 40401 });
    expect(await a.sendRoom({ ...roomMsg(a, r, 100), fromId: 'cb-b' })).toMatchObject({ code: 40301 });
    expect(await a.sendRoom(roomMsg(a, r, 2, 'text'))).toMatchObject({
      code: 40008,
      error: expect.stringMatching(/chat event/),
    });
    expect(await a.send(roomMsg(a, r, 100))).toMatchObject({
      code: 40008,
      error: expect.stringMatching(/chatroom event/),
    });
    expect(await a.sendRoom({ ...roomMsg(a, r, 100), fromType: 2 })).toMatchObject({ code: 40007 });
    expect(await a.sendRoom({ ...roomMsg(a, r, 100), destId: 'bad room:id' })).toMatchObject({ code: 40003 });
    expect(await a.sendRoom('{not json')).toMatchObject({ code: 40001 });
    expect(await b.sendRoom(roomMsg(b, r, 100))).toMatchObject({ code: 0, members: 1 });
    await settle();
    expect(b.roomReceived).toHaveLength(0);
  });
});
