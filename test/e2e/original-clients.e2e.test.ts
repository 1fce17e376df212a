import { randomUUID } from 'node:crypto';
import { EmbeddedHarness } from '../support/embedded-harness';
import type { ImTestClient } from '../support/im-client';

const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Clients written against the original protocol: socket.io-client 2.x, no `deviceId` and no
 * `devType` in the handshake, ImMessages sent as JSON strings, `devType` in the type-1 body.
 */
describe('device identity of original clients (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  /** Connects like an original client and sends type 1 (as a JSON string) with `devType` in the body. */
  async function original(userId: string, devType: number | undefined, autoAck = true): Promise<ImTestClient> {
    const c = await h.connect(userId, { version: 2, autoReady: false, autoAck });
    const ready = {
      msgId: randomUUID(),
      fromId: userId,
      fromType: 1,
      destId: 'server',
      fromName: userId,
      imageIconUrl: '',
      content: '',
      messageType: 1,
      ...(devType !== undefined ? { devType } : {}),
    };
    expect(await c.send(JSON.stringify(ready))).toMatchObject({ code: 0 });
    return c;
  }

  const texts = (c: ImTestClient): unknown[] => c.ofType(2).map((m) => m.content);

  it('a phone and a PC of one user (devType only in type 1) keep separate offline sync', async () => {
    const sender = await h.connect('oc-s');
    const phone = await original('oc-u', 1);
    const pc = await original('oc-u', 3);
    expect((await sender.send(sender.message('oc-u', 'm1'))).code).toBe(0);
    await phone.waitFor(() => texts(phone).includes('m1'));
    await pc.waitFor(() => texts(pc).includes('m1'));
    await settle();
    pc.close();
    await settle();
    expect((await sender.send(sender.message('oc-u', 'm2'))).code).toBe(0);
    await phone.waitFor(() => texts(phone).includes('m2'));
    await settle();
    phone.close();
    await settle();
    expect((await sender.send(sender.message('oc-u', 'm3'))).code).toBe(0);
    // The PC missed m2 and m3; the phone only m3. Neither one's acknowledgements moved the other's cursor.
    const pc2 = await original('oc-u', 3);
    await pc2.waitFor(() => texts(pc2).includes('m3'), 10_000, 'pc sync');
    await settle();
    expect(texts(pc2)).toEqual(['m2', 'm3']);
    const phone2 = await original('oc-u', 1);
    await phone2.waitFor(() => texts(phone2).includes('m3'), 10_000, 'phone sync');
    await settle();
    expect(texts(phone2)).toEqual(['m3']);
    // Two devices of different types: nobody was told 15.
    for (const c of [phone, pc, pc2, phone2]) expect(c.ofType(15)).toHaveLength(0);
    expect(pc2.connected && phone2.connected).toBe(true);
  });

  it('a second phone gets the first one a 15, keeps the PC, and loses nothing the first did not acknowledge', async () => {
    const sender = await h.connect('od-s');
    const phone1 = await original('od-u', 1, false);
    const pc = await original('od-u', 3);
    expect((await sender.send(sender.message('od-u', 'unacked'))).code).toBe(0);
    await phone1.waitFor(() => texts(phone1).includes('unacked'));
    await pc.waitFor(() => texts(pc).includes('unacked'));
    await settle();
    const phone2 = await original('od-u', 1);
    await phone1.waitFor(() => phone1.ofType(15).length === 1, 10_000, '15');
    expect(phone1.ofType(15)[0]).toMatchObject({ fromId: 'server', fromType: 3, destId: 'od-u' });
    await phone1.waitFor(() => !phone1.connected, 5000, 'disconnect');
    // The first phone never acknowledged it: the phone device's sync gives it to the second phone.
    await phone2.waitFor(() => texts(phone2).includes('unacked'), 10_000, 'sync of the phone device');
    expect((await sender.send(sender.message('od-u', 'after'))).code).toBe(0);
    await phone2.waitFor(() => texts(phone2).includes('after'));
    await pc.waitFor(() => texts(pc).includes('after'));
    await settle();
    expect(texts(phone2)).toEqual(['unacked', 'after']);
    expect(texts(pc)).toEqual(['unacked', 'after']);
    expect(pc.ofType(15)).toHaveLength(0);
    expect(phone2.ofType(15)).toHaveLength(0);
    expect(pc.connected && phone2.connected).toBe(true);
  });

  it('a connection that names no device at all is its own device: a second such one gets the first a 15', async () => {
    const sender = await h.connect('oe-s');
    const typed = await original('oe-u', 3);
    const first = await original('oe-u', undefined);
    await settle();
    const second = await original('oe-u', undefined);
    await first.waitFor(() => first.ofType(15).length === 1, 10_000, '15');
    await first.waitFor(() => !first.connected, 5000, 'disconnect');
    expect((await sender.send(sender.message('oe-u', 'hello'))).code).toBe(0);
    await second.waitFor(() => texts(second).includes('hello'));
    await typed.waitFor(() => texts(typed).includes('hello'));
    await settle();
    expect(typed.ofType(15)).toHaveLength(0);
    expect(second.ofType(15)).toHaveLength(0);
  });

  it('a later type 1 changes nothing; a handshake devType wins over the body', async () => {
    const sender = await h.connect('of-s');
    const handshakePhone = await h.connect('of-u', { version: 2, devType: 1 });
    const pc = await original('of-u', 3);
    // A second type 1 claiming devType 1 does not make the PC a phone.
    expect(
      await pc.send(
        JSON.stringify({
          msgId: randomUUID(),
          fromId: 'of-u',
          fromType: 1,
          destId: 'server',
          fromName: '',
          imageIconUrl: '',
          content: '',
          messageType: 1,
          devType: 1,
        }),
      ),
    ).toMatchObject({ code: 0 });
    await settle();
    expect(handshakePhone.connected && pc.connected).toBe(true);
    expect((await sender.send(sender.message('of-u', 'x'))).code).toBe(0);
    await pc.waitFor(() => texts(pc).includes('x'));
    await handshakePhone.waitFor(() => texts(handshakePhone).includes('x'));
    expect(handshakePhone.ofType(15).length + pc.ofType(15).length).toBe(0);
  });

  it('server-owned fields: status, id, version and receiveTime from the sender are dropped; receiveTime is the acceptance time', async () => {
    const sender = await h.connect('og-s');
    const live = await h.connect('og-u', { deviceId: 'og-live' });
    const forged = sender.message('og-u', 'looks recalled?', {
      status: 2,
      id: 'forged-id',
      version: 99,
      receiveTime: 1,
    });
    const ack = await sender.send(JSON.stringify(forged));
    expect(ack.code).toBe(0);
    await live.waitFor(() => texts(live).includes('looks recalled?'));
    const got = live.ofType(2)[0] as unknown as Record<string, unknown>;
    expect(got.status).toBeUndefined();
    expect(got.id).toBeUndefined();
    expect(got.version).toBeUndefined();
    expect(got.receiveTime).toBe(ack.serverTime);
    // Stored the same way: a device syncing later sees what the live one saw.
    const later = await h.connect('og-u', { deviceId: 'og-later' });
    await later.waitFor(() => texts(later).includes('looks recalled?'));
    const synced = later.ofType(2)[0] as unknown as Record<string, unknown>;
    expect(synced).toMatchObject({ receiveTime: ack.serverTime, content: 'looks recalled?' });
    expect(synced.status ?? synced.id ?? synced.version).toBeUndefined();
  });
});
