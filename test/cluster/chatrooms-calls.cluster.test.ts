// Chatrooms and 1:1 calls with the parties on different gateways: both gateways and the services
// as separate processes on real Redis, Kafka and FerretDB; chatroom and call state in Redis.
import { randomUUID } from 'node:crypto';
import type { ImMessage } from '@im/protocol';
import { ClusterHarness } from '../support/cluster-harness';

jest.setTimeout(120_000);

const settle = (ms = 500): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('chatrooms and calls across gateways (cluster)', () => {
  let h: ClusterHarness;
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    h = await ClusterHarness.start({ gateways: 2, env: { IM_CHATROOM_HISTORY: '5', IM_CHATROOM_MAX_MEMBERS: '2' } });
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
    await ca.waitFor(() => ca.roomReceived.some((x) => x.content === 'hi from gateway 1'), 20_000, 'message across gateways');
    cb.close();
    await ca.waitFor(() => ca.roomReceived.some((x) => x.messageType === 101 && x.fromId === b), 20_000, '101 on disconnect');
    expect(ca.roomReceived.find((x) => x.messageType === 101)).toMatchObject({ content: { members: 1 } });
    expect(await cc.sendRoom(m(cc, 100))).toMatchObject({ code: 0, members: 2 });
    await settle();
    expect(cz.roomReceived).toHaveLength(0);
    expect(cc.roomReceived.filter((x) => x.messageType === 102).map((x) => x.content)).toEqual(['before b', 'hi from gateway 1']);
  });
});
