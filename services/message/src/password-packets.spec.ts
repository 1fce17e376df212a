import { passwordHash } from '@im/bus';
import type { WalletCommand } from '@im/bus';
import { ManualClock, createLogger } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { SqliteStore } from '@im/store';
import type { RedPacket } from '@im/store';
import { PasswordPacketMatcher } from './password-packets';

const logger = createLogger({ service: 'test', level: 'silent' });

describe(PasswordPacketMatcher.name, () => {
  let store: SqliteStore;
  let clock: ManualClock;
  let published: WalletCommand[];
  let reads: number;
  let matcher: PasswordPacketMatcher;

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    clock = new ManualClock();
    published = [];
    reads = 0;
    const list = store.redPackets.passwordPackets.bind(store.redPackets);
    store.redPackets.passwordPackets = (groupId: string) => {
      reads += 1;
      return list(groupId);
    };
    matcher = new PasswordPacketMatcher(
      store,
      { publish: async (_t, _k, v) => void published.push(v as WalletCommand) },
      logger,
      clock,
    );
  });
  afterEach(() => store.close());

  /** Stores a group message as the message service would, then runs the matcher. */
  async function say(content: unknown, messageType = 2, fromId = 'u1'): Promise<void> {
    const message = {
      msgId: `m-${Math.random()}`,
      fromId,
      destId: 'g1',
      fromType: 2,
      fromName: '',
      imageIconUrl: '',
      content,
      messageType,
      sendTime: clock.now(),
    } as ImMessage & { sendTime: number };
    const { stored, duplicate } = await store.messages.append({ conversationId: 'g:g1', message });
    await matcher.afterStored(stored, duplicate);
  }
  async function packet(id: string, password: string, extra: Partial<RedPacket> = {}): Promise<void> {
    const p: RedPacket = {
      packetId: id,
      senderId: 's',
      targetType: 'group',
      targetId: 'g1',
      kind: 'password',
      total: 2,
      shares: [1, 1],
      msg: '',
      state: 'open',
      createdAt: clock.now(),
      expiresAt: clock.now() + 1000,
      passwordHash: passwordHash(id, password),
      ...extra,
    };
    await store.redPackets.create(p);
    // Its 17, appended by the wallet service (not through this matcher): a gap in the seqs it sees.
    await store.messages.append({
      conversationId: 'g:g1',
      message: {
        msgId: `rp17-${id}`,
        fromId: 's',
        destId: 'g1',
        fromType: 2,
        fromName: '',
        imageIconUrl: '',
        content: { redPacketId: id, msg: '' },
        messageType: 17,
        sendTime: clock.now(),
      },
    });
  }

  it('reads the list once while the seqs it stores follow each other, again after a gap (a 17 appended elsewhere)', async () => {
    await say('hello');
    await say('world');
    await say('again');
    expect(reads).toBe(1);
    expect(published).toEqual([]);
    await packet('p1', 'sesame');
    await say('sesame', 2, 'u2');
    expect(reads).toBe(2);
    expect(published).toEqual([
      {
        kind: 'red-packet-open',
        packetId: 'p1',
        userId: 'u2',
        passwordHash: passwordHash('p1', 'sesame'),
        via: 'chat',
        at: clock.now(),
      },
    ]);
    await say('sesame', 2, 'u3');
    await say('not it');
    expect(reads).toBe(2);
    expect(published.map((c) => ('userId' in c ? c.userId : ''))).toEqual(['u2', 'u3']);
  });

  it('ignores other types, person messages and expired packets; a redelivered message reads the list again', async () => {
    await packet('p2', 'open');
    await say({ text: 'open' }, 3);
    await say('open', 2);
    expect(published).toHaveLength(1);
    clock.advance(1000);
    await say('open', 2);
    expect(published).toHaveLength(1);
    const message = {
      msgId: 'dup',
      fromId: 'u1',
      destId: 'g1',
      fromType: 2,
      fromName: '',
      imageIconUrl: '',
      content: 'x',
      messageType: 2,
      sendTime: clock.now(),
    } as ImMessage & { sendTime: number };
    await store.messages.append({ conversationId: 'g:g1', message });
    const again = await store.messages.append({ conversationId: 'g:g1', message });
    const before = reads;
    await matcher.afterStored(again.stored, again.duplicate);
    expect(reads).toBe(before + 1);
    const direct = { ...message, msgId: 'p', fromType: 1, destId: 'u2', content: 'open' } as ImMessage & {
      sendTime: number;
    };
    const { stored } = await store.messages.append({ conversationId: 'p:u1:u2', message: direct });
    await matcher.afterStored(stored, false);
    expect(published).toHaveLength(1);
  });
});
