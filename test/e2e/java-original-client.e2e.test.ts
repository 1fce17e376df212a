import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';
import { buildJavaClient, JavaClient } from '../support/java-client';
import type { JavaConnectOptions } from '../support/java-client';

const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A real client of the original protocol's era: socket.io-client-java 1.0.x (Engine.IO v3),
 * built from test/java-client by Maven, as a phone and a PC of one user. Like the original apps
 * it sends no `deviceId` and no `devType` in the handshake, puts the token in the query string,
 * sends its ImMessages as JSON strings with `devType` in the body, and acknowledges every
 * downlink with an empty ack. The same scenarios as original-clients.e2e.test.ts (socket.io-client 2.x).
 */
describe('socket.io-client-java 1.0.x as a phone and a PC (embedded)', () => {
  let h: EmbeddedHarness;
  let jar: string;
  const javas: JavaClient[] = [];
  /** What the server saw of each connection's handshake. */
  const handshakes: {
    socket: Socket;
    userId: string;
    protocol: number;
    transport: string;
    query: Record<string, unknown>;
    auth: Record<string, unknown>;
  }[] = [];

  beforeAll(async () => {
    // The first build on a machine downloads the library and Maven's plugins.
    jar = await buildJavaClient();
    h = await EmbeddedHarness.start();
    h.server.gateway.io.on('connection', (socket: Socket) => {
      // The gateway identifies the socket after this listener runs: read the user off the token.
      const token = String(socket.handshake.query.token ?? (socket.handshake.auth as { token?: string }).token);
      const { sub } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string };
      handshakes.push({
        socket,
        userId: String(sub),
        protocol: socket.conn.protocol,
        transport: socket.conn.transport.name,
        query: { ...socket.handshake.query },
        auth: { ...socket.handshake.auth },
      });
    });
  }, 600_000);
  afterAll(async () => {
    await Promise.all(javas.splice(0).map((j) => j.close()));
    await h?.stop();
  });
  afterEach(async () => {
    await Promise.all(javas.splice(0).map((j) => j.close()));
    h?.closeClients();
  });

  /** Starts `n` JVMs at once (the slow part); each connects later, in the order the test needs. */
  async function jvms(n: number): Promise<JavaClient[]> {
    const started = await Promise.all(Array.from({ length: n }, (_, i) => JavaClient.start(`java-${i}`, jar)));
    javas.push(...started);
    return started;
  }

  /** Connects like an original app and sends type 1 as a JSON string with `devType` in the body. */
  async function online(
    c: JavaClient,
    userId: string,
    devType: number,
    options: JavaConnectOptions = {},
  ): Promise<JavaClient> {
    await c.connect(h.url, tokenFor(userId), options);
    const ready = {
      msgId: randomUUID(),
      fromId: userId,
      fromType: 1,
      destId: 'server',
      fromName: userId,
      imageIconUrl: '',
      content: '',
      messageType: 1,
      devType,
    };
    expect(await c.send(JSON.stringify(ready))).toMatchObject({ code: 0 });
    return c;
  }

  const texts = (c: JavaClient): unknown[] => c.ofType(2).map((m) => m.content);

  it('a phone and a PC of one user (devType only in type 1) keep separate offline sync', async () => {
    const [phone, pc, pc2, phone2] = await jvms(4);
    expect(phone!.library).toMatch(/^socket\.io-client-java 1\.0\.\d+$/);
    const sender = await h.connect('jc-s');
    // The phone on the library's default transports (long polling, then the upgrade), the PC on websocket only.
    await online(phone!, 'jc-u', 1);
    await online(pc!, 'jc-u', 3, { transports: ['websocket'] });
    expect((await sender.send(sender.message('jc-u', 'm1'))).code).toBe(0);
    await phone!.waitFor(() => texts(phone!).includes('m1'), 10_000, 'm1');
    await pc!.waitFor(() => texts(pc!).includes('m1'), 10_000, 'm1');
    // The phone's long-polling session was upgraded to a websocket, as the library does by default.
    const phoneSocket = handshakes.find((s) => s.userId === 'jc-u')!.socket;
    for (let i = 0; i < 50 && phoneSocket.conn.transport.name !== 'websocket'; i++) await settle(100);
    expect(phoneSocket.conn.transport.name).toBe('websocket');
    await settle();
    await pc!.close();
    await settle();
    expect((await sender.send(sender.message('jc-u', 'm2'))).code).toBe(0);
    await phone!.waitFor(() => texts(phone!).includes('m2'), 10_000, 'm2');
    await settle();
    await phone!.close();
    await settle();
    expect((await sender.send(sender.message('jc-u', 'm3'))).code).toBe(0);
    // The PC missed m2 and m3; the phone only m3. Neither one's acknowledgements moved the other's cursor.
    await online(pc2!, 'jc-u', 3);
    await pc2!.waitFor(() => texts(pc2!).includes('m3'), 10_000, 'pc sync');
    await settle();
    expect(texts(pc2!)).toEqual(['m2', 'm3']);
    await online(phone2!, 'jc-u', 1, { transports: ['websocket'] });
    await phone2!.waitFor(() => texts(phone2!).includes('m3'), 10_000, 'phone sync');
    await settle();
    expect(texts(phone2!)).toEqual(['m3']);
    // Every downlink came with an ack callback, and the client answered it.
    for (const c of [phone!, pc!, pc2!, phone2!]) {
      expect(c.events.filter((e) => e.event === 'chat').every((e) => e.hadAck === true && e.acked === true)).toBe(true);
      expect(c.ofType(15)).toHaveLength(0);
    }
    expect(pc2!.connected && phone2!.connected).toBe(true);
    // The server saw Engine.IO v3 clients that named no device: the token in the query, no auth.
    const java = handshakes.filter((s) => s.userId === 'jc-u');
    expect(java).toHaveLength(4);
    for (const s of java) {
      expect(s.protocol).toBe(3);
      expect(s.auth).toEqual({});
      expect(s.query).toMatchObject({ EIO: '3', token: expect.any(String) });
      expect(s.query.deviceId ?? s.query.devType).toBeUndefined();
    }
    expect(java.map((s) => s.transport)).toEqual(['polling', 'websocket', 'polling', 'websocket']);
  }, 60_000);

  it('a second phone gets the first one a 15, keeps the PC, and loses nothing the first did not acknowledge', async () => {
    const [phone1, pc, phone2] = await jvms(3);
    const sender = await h.connect('jd-s');
    await online(phone1!, 'jd-u', 1, { autoAck: false });
    await online(pc!, 'jd-u', 3);
    expect((await sender.send(sender.message('jd-u', 'unacked'))).code).toBe(0);
    await phone1!.waitFor(() => texts(phone1!).includes('unacked'), 10_000, 'unacked');
    await pc!.waitFor(() => texts(pc!).includes('unacked'), 10_000, 'unacked');
    await settle();
    await online(phone2!, 'jd-u', 1);
    await phone1!.waitFor(() => phone1!.ofType(15).length === 1, 10_000, '15');
    expect(phone1!.ofType(15)[0]).toMatchObject({ fromId: 'server', fromType: 3, destId: 'jd-u' });
    await phone1!.waitFor(() => !phone1!.connected, 5000, 'disconnect');
    expect(phone1!.has('kicked')).toBe(true);
    expect(phone1!.events.find((e) => e.event === 'disconnect')?.args).toEqual(['io server disconnect']);
    // The first phone never acknowledged it: the phone device's sync gives it to the second phone.
    await phone2!.waitFor(() => texts(phone2!).includes('unacked'), 10_000, 'sync of the phone device');
    expect((await sender.send(sender.message('jd-u', 'after'))).code).toBe(0);
    await phone2!.waitFor(() => texts(phone2!).includes('after'), 10_000, 'after');
    await pc!.waitFor(() => texts(pc!).includes('after'), 10_000, 'after');
    await settle();
    expect(texts(phone2!)).toEqual(['unacked', 'after']);
    expect(texts(pc!)).toEqual(['unacked', 'after']);
    expect(pc!.ofType(15)).toHaveLength(0);
    expect(phone2!.ofType(15)).toHaveLength(0);
    expect(pc!.connected && phone2!.connected).toBe(true);
  }, 60_000);

  it("a text sent from the Java phone as a JSON string reaches the other user and the same user's PC", async () => {
    const [phone, pc] = await jvms(2);
    const friend = await h.connect('je-f');
    await online(phone!, 'je-u', 1);
    await online(pc!, 'je-u', 3, { transports: ['websocket'] });
    const text = {
      msgId: randomUUID(),
      fromId: 'je-u',
      fromType: 1,
      destId: 'je-f',
      fromName: 'je-u',
      imageIconUrl: '',
      content: 'from java',
      messageType: 2,
      devType: 1,
    };
    const ack = await phone!.send(JSON.stringify(text));
    expect(ack).toMatchObject({ code: 0, msgId: text.msgId });
    await friend.waitFor(() => friend.ofType(2).some((m) => m.content === 'from java'), 10_000, 'the text');
    expect(friend.ofType(2).find((m) => m.content === 'from java')).toMatchObject({
      msgId: text.msgId,
      fromId: 'je-u',
      destId: 'je-f',
    });
    // The sender's other device gets its own message (multi-device sync); the sending phone does not.
    await pc!.waitFor(() => texts(pc!).includes('from java'), 10_000, 'the copy on the PC');
    await settle();
    expect(texts(phone!)).toEqual([]);
  }, 60_000);
});
