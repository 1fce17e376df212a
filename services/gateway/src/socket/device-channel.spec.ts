import { createLogger, systemClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { SqliteStore } from '@im/store';
import type { StoredMessage } from '@im/store';
import { CursorWriter } from './cursor-writer';
import { DeviceChannel } from './device-channel';

const logger = createLogger({ service: 'test', level: 'silent' });
const conv = 'p:a:b';

function wire(msgId: string, fromId = 'a'): ImMessage & { sendTime: number } {
  return {
    msgId,
    fromId,
    destId: fromId === 'a' ? 'b' : 'a',
    fromType: 1,
    fromName: '',
    imageIconUrl: '',
    content: msgId,
    messageType: 2,
    sendTime: 1,
  };
}

describe(DeviceChannel.name, () => {
  let store: SqliteStore;
  let sent: { message: ImMessage; ack?: () => void }[];
  let channel: DeviceChannel;
  let cursors: CursorWriter;
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
  const append = async (msgId: string, fromId = 'a', senderDeviceId = 'other'): Promise<StoredMessage> =>
    (await store.messages.append({ conversationId: conv, message: wire(msgId, fromId), senderDeviceId })).stored;

  /** Device `phone` of user b, recording what it sends. */
  const phoneOfB = (answerWaitMs?: number): DeviceChannel =>
    new DeviceChannel({
      userId: 'b',
      deviceId: 'phone',
      store,
      cursors,
      logger,
      syncMaxPerConversation: 100,
      clock: systemClock,
      retryDelayMs: 10,
      ...(answerWaitMs === undefined ? {} : { answerWaitMs }),
      emit: (message, ack) => sent.push({ message, ...(ack ? { ack } : {}) }),
    });

  /** Makes the store's next `times` range reads throw `error`; returns how many failures are left (below 0 once all were used and a read got through). */
  const failRangeReads = (times: number, error: () => Error): (() => number) => {
    const range = store.messages.range.bind(store.messages);
    let failures = times;
    store.messages.range = async (...args) => {
      if (failures-- > 0) throw error();
      return range(...args);
    };
    return () => failures;
  };

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    sent = [];
    cursors = new CursorWriter(store.cursors, logger, 5);
    channel = phoneOfB();
  });
  afterEach(async () => {
    await channel.close();
    await cursors.close();
    await store.close();
  });

  it('sends nothing before the device is ready, then syncs first and follows with live messages in seq order', async () => {
    await append('m1');
    await append('m2');
    const live = await append('m3');
    channel.pushStored(live);
    await settle();
    expect(sent).toEqual([]);
    channel.start();
    await settle();
    expect(sent.map((s) => s.message.seq)).toEqual([1, 2, 3]);
  });

  it('drops a seq it already sent and fills a gap from the store', async () => {
    channel.start();
    const m1 = await append('m1');
    await append('m2');
    const m3 = await append('m3');
    channel.pushStored(m1);
    channel.pushStored(m1);
    channel.pushStored(m3);
    await settle();
    expect(sent.map((s) => s.message.msgId)).toEqual(['m1', 'm2', 'm3']);
  });

  it('does not send the device its own message but counts it as received', async () => {
    channel.start();
    const own = await append('mine', 'b', 'phone');
    const fromPeer = await append('theirs');
    channel.pushStored(own);
    channel.pushStored(fromPeer);
    await settle();
    expect(sent.map((s) => s.message.msgId)).toEqual(['theirs']);
    sent[0]?.ack?.();
    await channel.close();
    expect((await store.cursors.get('b', 'phone', [conv])).get(conv)).toBe(2);
  });

  it('holds later downlinks behind the stored copy of an own send until the answer to that send has left', async () => {
    channel.start();
    const answered = channel.sending('mine');
    const own = await append('mine', 'b', 'phone');
    const fromPeer = await append('theirs');
    channel.pushStored(own);
    channel.pushStored(fromPeer);
    await settle();
    expect(sent).toEqual([]);
    answered();
    await settle();
    expect(sent.map((s) => s.message.msgId)).toEqual(['theirs']);
  });

  it('lets the downlinks go if the answer to an own send is late (`answerWaitMs`)', async () => {
    await channel.close();
    channel = phoneOfB(200);
    channel.start();
    channel.sending('mine');
    channel.pushStored(await append('mine', 'b', 'phone'));
    channel.pushStored(await append('theirs'));
    await settle();
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.map((s) => s.message.msgId)).toEqual(['theirs']);
  });

  it('moves the cursor only past messages acknowledged in order', async () => {
    for (const id of ['m1', 'm2', 'm3']) await append(id);
    channel.start();
    await settle();
    sent[1]?.ack?.();
    sent[2]?.ack?.();
    await settle();
    expect((await store.cursors.get('b', 'phone', [conv])).get(conv)).toBeUndefined();
    sent[0]?.ack?.();
    await settle();
    expect((await store.cursors.get('b', 'phone', [conv])).get(conv)).toBe(3);
  });

  it('starts a new device at the user’s read mark, not at the beginning of history', async () => {
    for (const id of ['m1', 'm2', 'm3', 'm4']) await append(id);
    await store.conversations.setReadSeq('b', conv, 3);
    channel.start();
    await settle();
    expect(sent.map((s) => s.message.seq)).toEqual([4]);
  });

  it('retries a gap fill the store could not answer instead of dropping the message', async () => {
    channel.start();
    await settle();
    const m1 = await append('m1');
    await append('m2');
    const m3 = await append('m3');
    channel.pushStored(m1);
    await settle();
    const failuresLeft = failRangeReads(2, () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoServerSelectionError' }),
    );
    channel.pushStored(m3);
    await new Promise((r) => setTimeout(r, 200));
    expect(failuresLeft()).toBeLessThan(0);
    expect(sent.map((s) => s.message.msgId)).toEqual(['m1', 'm2', 'm3']);
  });

  it('drops, without blocking the queue, a task that fails for a reason other than an unreachable store', async () => {
    channel.start();
    await settle();
    const m1 = await append('m1');
    await append('m2');
    const m3 = await append('m3');
    const m4 = await append('m4');
    failRangeReads(1, () => new TypeError('a bug'));
    channel.pushStored(m3);
    channel.pushStored(m1);
    channel.pushStored(m4);
    await settle();
    expect(sent.map((s) => s.message.msgId)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('sends a recalled message without its content', async () => {
    await append('secret');
    await store.messages.markRecalled(conv, 'secret');
    channel.start();
    await settle();
    expect(sent[0]?.message).toMatchObject({ msgId: 'secret', content: '', status: 1 });
  });
});
