import type { ImMessage } from '@im/protocol';
import { Inbox } from './inbox';
import type { ForwardPage } from './inbox';

const text = (seq: number, fromId: string, destId: string): ImMessage => ({
  msgId: `${fromId}-${seq}`,
  fromId,
  destId,
  fromType: 1,
  fromName: fromId,
  imageIconUrl: '',
  content: `${seq}`,
  messageType: 2,
  sendTime: seq,
  seq,
});

describe(Inbox.name, () => {
  const conversation = 'p:a:b';
  let historyCalls: [number, number][];
  let delivered: number[];
  let inbox: Inbox;
  /** Own sends a1..a<n> took these seqs (history has them; the server never sends them back). */
  let own: Map<number, ImMessage>;

  beforeEach(() => {
    historyCalls = [];
    delivered = [];
    own = new Map();
    inbox = new Inbox({
      me: () => 'a',
      history: (_c, afterSeq, beforeSeq): Promise<ForwardPage> => {
        historyCalls.push([afterSeq, beforeSeq]);
        const messages = [...own.values()].filter((m) => m.seq! > afterSeq && m.seq! < beforeSeq);
        return Promise.resolve({ messages, hasMore: false });
      },
      deliver: (m) => delivered.push(m.seq!),
      sentHere: (msgId) => msgId.startsWith('a-'),
      seqsChanged: () => undefined,
      gap: () => undefined,
    });
  });

  const receive = async (m: ImMessage): Promise<void> => {
    await new Promise<void>((resolve) => inbox.receive(m, resolve));
  };
  const sentAndAcknowledged = (...seqs: number[]): void => {
    for (const seq of seqs) {
      own.set(seq, text(seq, 'a', 'b'));
      inbox.sentOwn(conversation);
    }
  };

  it('on a fresh device, needs no history for own sends acknowledged before the first message and stored after it', async () => {
    // Cluster mode: the acks of a window of sends come before anything arrives; b's 1..2 were stored first.
    sentAndAcknowledged(3, 4, 5);
    await receive(text(1, 'b', 'a'));
    await receive(text(2, 'b', 'a'));
    await receive(text(6, 'b', 'a'));
    expect(historyCalls).toEqual([]);
    expect(delivered).toEqual([1, 2, 6]);
  });

  it('counts the own sends a history fill found, acknowledged or not, so a later gap of someone else’s message is still filled', async () => {
    await receive(text(1, 'b', 'a'));
    own.set(2, text(2, 'a', 'b')); // sent at 2 and 3, not acknowledged yet
    own.set(3, text(3, 'a', 'b'));
    sentAndAcknowledged(5); // acknowledged, stored after b's 4
    await receive(text(4, 'b', 'a'));
    expect(historyCalls).toEqual([[1, 4]]);
    inbox.sentOwn(conversation); // the late acks of the sends at 2 and 3
    inbox.sentOwn(conversation);
    await receive(text(6, 'b', 'a'));
    expect(historyCalls).toEqual([[1, 4]]);
    // b's 7 never came: only own sends may explain a jump, and none is left to.
    own.set(7, text(7, 'b', 'a'));
    await receive(text(8, 'b', 'a'));
    expect(historyCalls).toEqual([
      [1, 4],
      [6, 8],
    ]);
    expect(delivered).toEqual([1, 4, 6, 7, 8]);
  });
});
