// Read receipts (33) that reach a sender who was offline when they were sent, and the peer's
// read position in GET /v1/conversations: the same cases embedded and across two gateways.
import { randomUUID } from 'node:crypto';
import type { ClientOptions, ImTestClient } from './im-client';

/** Where clients connect and HTTP calls go: a gateway index (cluster) or always the one server (embedded). */
export interface Deployment {
  connect(where: number, userId: string, options?: ClientOptions): Promise<ImTestClient>;
  http(where: number, method: string, path: string, userId: string): Promise<{ status: number; body: any }>;
}

const settle = (ms = 400): Promise<void> => new Promise((r) => setTimeout(r, ms));
const READ = 33;

/** Polls `probe` (every 100 ms) until it returns a value; fails after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the read state');
    await settle(100);
  }
}

/** Registers the read-state cases; `deployment()` is called inside each test, after `beforeAll`. */
export function readStateScenarios(deployment: () => Deployment, timeoutMs: number): void {
  const u = (name: string): string => `${name}-${randomUUID().slice(0, 6)}`;

  /** Alice sends Bob `texts` (one device, `alice-phone`), waits until Bob has them, and returns their msgIds. */
  async function exchange(
    alice: string,
    bob: string,
    texts: string[],
  ): Promise<{ ids: string[]; bobClient: ImTestClient }> {
    const d = deployment();
    const phone = await d.connect(0, alice, { deviceId: 'alice-phone' });
    const bobClient = await d.connect(1, bob, { deviceId: 'bob-phone' });
    const ids: string[] = [];
    for (const text of texts) {
      const m = phone.message(bob, text);
      expect((await phone.send(m)).code).toBe(0);
      ids.push(m.msgId);
    }
    await bobClient.waitForMessages(texts.length, 2, timeoutMs);
    phone.close();
    await settle();
    return { ids, bobClient };
  }

  it('a 33 sent while the sender was offline reaches it after its next type 1, once, the latest only', async () => {
    const [alice, bob] = [u('rs-a'), u('rs-b')];
    const { ids, bobClient } = await exchange(alice, bob, ['m1', 'm2', 'm3']);
    expect((await bobClient.send(bobClient.message(alice, ids[0], { messageType: READ }))).code).toBe(0);
    expect((await bobClient.send(bobClient.message(alice, ids[2], { messageType: READ }))).code).toBe(0);
    const d = deployment();
    // The ack means the 33 is durable; in cluster mode the message service applies it a moment later.
    const direct = await until(async () => {
      const conversations = await d.http(1, 'GET', '/v1/conversations', alice);
      const found = (
        conversations.body.conversations as { peerId?: string; peerReadSeq?: number; readSeq: number }[]
      ).find((c) => c.peerId === bob);
      return found?.peerReadSeq === 3 ? found : undefined;
    }, timeoutMs);
    expect(direct).toMatchObject({ peerReadSeq: 3, readSeq: 0 });
    const back = await d.connect(1, alice, { deviceId: 'alice-phone' });
    await back.waitForMessages(1, READ, timeoutMs);
    await settle(800);
    expect(back.ofType(READ)).toHaveLength(1);
    expect(back.ofType(READ)[0]).toMatchObject({ fromId: bob, destId: alice, content: ids[2], seq: 3 });
    back.close();
    await settle();
    // Acknowledged once: the next type 1 brings no 33.
    const again = await d.connect(0, alice, { deviceId: 'alice-phone' });
    await settle(1000);
    expect(again.ofType(READ)).toHaveLength(0);
    // Bob's side of the list: Alice has read nothing.
    const bobs = await d.http(0, 'GET', '/v1/conversations', bob);
    expect((bobs.body.conversations as { peerId?: string }[]).find((c) => c.peerId === alice)).toMatchObject({
      peerReadSeq: 0,
      readSeq: 3,
    });
  });

  it('a 33 received live and acknowledged is not sent again; a device that was away gets it on its own type 1', async () => {
    const [alice, bob] = [u('rl-a'), u('rl-b')];
    const { ids, bobClient } = await exchange(alice, bob, ['x1', 'x2']);
    const d = deployment();
    const online = await d.connect(0, alice, { deviceId: 'alice-pc' });
    await settle();
    expect((await bobClient.send(bobClient.message(alice, ids[1], { messageType: READ }))).code).toBe(0);
    await online.waitForMessages(1, READ, timeoutMs);
    expect(online.ofType(READ)[0]).toMatchObject({ fromId: bob, content: ids[1], seq: 2 });
    await settle();
    online.close();
    await settle();
    const pcAgain = await d.connect(1, alice, { deviceId: 'alice-pc' });
    const phone = await d.connect(1, alice, { deviceId: 'alice-phone' });
    await phone.waitForMessages(1, READ, timeoutMs);
    await settle(1000);
    expect(pcAgain.ofType(READ)).toHaveLength(0);
    expect(phone.ofType(READ)).toHaveLength(1);
    expect(phone.ofType(READ)[0]).toMatchObject({ fromId: bob, content: ids[1], seq: 2 });
  });
}
