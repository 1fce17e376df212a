import type { WalletCommand } from '@im/bus';
import { ManualClock, createLogger } from '@im/common';
import { MessageType } from '@im/protocol';
import type { DeliveryPort } from '@im/realtime';
import { inMemoryServicePorts } from '@im/realtime/testing';
import type { RecordedDeliveries } from '@im/realtime/testing';
import type { SqliteStore } from '@im/store';
import { WalletService } from './wallet.service';

const logger = createLogger({ service: 'test', level: 'silent' });
const options = {
  maxAmount: 20_000,
  maxShares: 100,
  expiryMs: 86_400_000,
  transferMaxAmount: 5_000_000,
  transferExpiryMs: 86_400_000,
  collectionExpiryMs: 604_800_000,
  recoveryAgeMs: 10_000,
};

describe(WalletService.name, () => {
  let store: SqliteStore;
  let got: RecordedDeliveries;
  let wallet: WalletService;

  beforeEach(async () => {
    let delivery: DeliveryPort;
    ({ store, delivery, got } = await inMemoryServicePorts(['author', 'fan']));
    wallet = new WalletService(store, delivery, options, logger, new ManualClock());
    await store.groups.create({ groupId: 'g1', name: 'g', ownerId: 'author', createdAt: 0 }, [
      { userId: 'author', role: 'owner' },
      { userId: 'fan', role: 'member' },
    ]);
    const text = {
      msgId: 'm1',
      messageType: MessageType.TEXT,
      fromId: 'author',
      fromType: 2 as const,
      destId: 'g1',
      fromName: '',
      imageIconUrl: '',
      content: 'hello',
      sendTime: 1,
    };
    await store.messages.append({ conversationId: 'g:g1', message: text });
    expect(await wallet.handle({ kind: 'topup', userId: 'fan', amount: 100, key: 'top-1', at: 1 })).toMatchObject({
      ok: true,
    });
  });
  afterEach(() => store.close());

  const notices = (type: number): [string, number | undefined][] =>
    got.flatMap(([u, d]) =>
      d.kind === 'stored' && d.message.message.messageType === type
        ? [[u, d.message.seq] as [string, number | undefined]]
        : [],
    );

  it('a redelivered tip pays once, stores its 83 once and delivers it again', async () => {
    const tip: WalletCommand = {
      kind: 'tip',
      tipId: 'tp-1',
      fromId: 'fan',
      groupId: 'g1',
      msgId: 'm1',
      amount: 30,
      at: 2,
    };
    expect(await wallet.handle(tip)).toEqual({ ok: true, value: { msgId: 'm1', authorId: 'author', amount: 30 } });
    expect(await wallet.handle(tip)).toEqual({ ok: true, value: { msgId: 'm1', authorId: 'author', amount: 30 } });
    expect(notices(MessageType.GROUP_MESSAGE_TIP)).toEqual([
      ['author', 1],
      ['author', 1],
    ]);
    expect((await store.messages.range('s:author', { limit: 10 })).map((m) => m.message.messageType)).toEqual([
      MessageType.GROUP_MESSAGE_TIP,
    ]);
    expect(await wallet.ledger.balance('fan')).toBe(70);
    expect(await wallet.ledger.balance('author')).toBe(30);
  });

  it('refuses a tip from a member muted in the group (the group-send rule)', async () => {
    await store.groups.setMemberMutedUntil('g1', 'fan', 10);
    const tip: WalletCommand = {
      kind: 'tip',
      tipId: 'tp-2',
      fromId: 'fan',
      groupId: 'g1',
      msgId: 'm1',
      amount: 30,
      at: 2,
    };
    expect(await wallet.handle(tip)).toMatchObject({ ok: false, error: 'IM_ERR_GROUP_MUTED' });
    expect(got).toEqual([]);
    expect(await wallet.ledger.balance('fan')).toBe(100);
  });
});
