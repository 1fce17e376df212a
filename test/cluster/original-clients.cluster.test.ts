// Clients of the original protocol across two gateways: devices settled at type 1 (no deviceId
// in the handshake) keep their own cursors and get 15 across gateways, and read receipts reach a
// sender that was offline — the gateways, message service and friends as separate processes on
// real Redis, Kafka and FerretDB.
import { randomUUID } from 'node:crypto';
import { ClusterHarness } from '../support/cluster-harness';
import type { ImTestClient } from '../support/im-client';
import { readStateScenarios } from '../support/read-state.scenarios';

jest.setTimeout(120_000);

const settle = (ms = 600): Promise<void> => new Promise((r) => setTimeout(r, ms));
const WAIT = 20_000;

describe('original clients across gateways (cluster)', () => {
  let h: ClusterHarness;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2 });
  });
  afterAll(() => h?.stop());

  /** A socket.io-client 2.x connection with nothing in the handshake but the token; type 1 carries `devType`. */
  async function original(
    gateway: number,
    userId: string,
    devType: number | undefined,
    autoAck = true,
  ): Promise<ImTestClient> {
    const c = await h.connect(gateway, userId, { version: 2, autoReady: false, autoAck });
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

  it('a phone on one gateway and a PC on the other keep separate offline sync', async () => {
    const [s, user] = [u('cs'), u('cu')];
    const sender = await h.connect(0, s);
    const phone = await original(0, user, 1);
    const pc = await original(1, user, 3);
    expect((await sender.send(sender.message(user, 'm1'))).code).toBe(0);
    await phone.waitFor(() => texts(phone).includes('m1'), WAIT);
    await pc.waitFor(() => texts(pc).includes('m1'), WAIT);
    await settle();
    pc.close();
    await settle();
    expect((await sender.send(sender.message(user, 'm2'))).code).toBe(0);
    await phone.waitFor(() => texts(phone).includes('m2'), WAIT);
    await settle();
    phone.close();
    await settle();
    expect((await sender.send(sender.message(user, 'm3'))).code).toBe(0);
    // Each device's sync starts from its own cursor, whichever gateway it comes back to.
    const pc2 = await original(0, user, 3);
    await pc2.waitFor(() => texts(pc2).includes('m3'), WAIT, 'pc sync');
    const phone2 = await original(1, user, 1);
    await phone2.waitFor(() => texts(phone2).includes('m3'), WAIT, 'phone sync');
    await settle();
    expect(texts(pc2)).toEqual(['m2', 'm3']);
    expect(texts(phone2)).toEqual(['m3']);
    for (const c of [phone, pc, pc2, phone2]) expect(c.ofType(15)).toHaveLength(0);
  });

  it('a second phone on the other gateway gets the first one a 15, and nothing the first did not acknowledge is lost', async () => {
    const [s, user] = [u('ks'), u('ku')];
    const sender = await h.connect(0, s);
    const phone1 = await original(0, user, 1, false);
    const pc = await original(0, user, 3);
    expect((await sender.send(sender.message(user, 'unacked'))).code).toBe(0);
    await phone1.waitFor(() => texts(phone1).includes('unacked'), WAIT);
    await pc.waitFor(() => texts(pc).includes('unacked'), WAIT);
    await settle();
    const phone2 = await original(1, user, 1);
    await phone1.waitFor(() => phone1.ofType(15).length === 1, WAIT, '15');
    expect(phone1.ofType(15)[0]).toMatchObject({ fromId: 'server', fromType: 3, destId: user });
    await phone1.waitFor(() => !phone1.connected, WAIT, 'disconnect');
    await phone2.waitFor(() => texts(phone2).includes('unacked'), WAIT, 'sync of the phone device');
    expect((await sender.send(sender.message(user, 'after'))).code).toBe(0);
    await phone2.waitFor(() => texts(phone2).includes('after'), WAIT);
    await pc.waitFor(() => texts(pc).includes('after'), WAIT);
    await settle();
    expect(texts(phone2)).toEqual(['unacked', 'after']);
    expect(texts(pc)).toEqual(['unacked', 'after']);
    expect(pc.ofType(15).length + phone2.ofType(15).length).toBe(0);
  });

  it('a connection that names no device on one gateway is replaced by a second such one on the other', async () => {
    const user = u('nu');
    const first = await original(0, user, undefined);
    await settle();
    const second = await original(1, user, undefined);
    await first.waitFor(() => first.ofType(15).length === 1, WAIT, '15');
    await first.waitFor(() => !first.connected, WAIT, 'disconnect');
    await settle();
    expect(second.connected).toBe(true);
    expect(second.ofType(15)).toHaveLength(0);
  });

  describe('read state', () => {
    readStateScenarios(
      () => ({
        connect: (where, userId, options) => h.connect(where, userId, options),
        http: (where, method, path, userId) => h.http(where, method, path, userId),
      }),
      WAIT,
    );
  });
});
