import type { WalletCommand } from '@im/bus';
import { ManualClock, createLogger } from '@im/common';
import { MessageType } from '@im/protocol';
import { serviceUnderTest } from '@im/realtime/testing';
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
  const t = serviceUnderTest(['author', 'fan'], async ({ store, delivery }) => {
    const wallet = new WalletService(store, delivery, options, logger, new ManualClock());
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
    return wallet;
  });

  const notices = (type: number): [string, number | undefined][] =>
    t.got.flatMap(([u, d]) =>
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
    expect(await t.service.handle(tip)).toEqual({ ok: true, value: { msgId: 'm1', authorId: 'author', amount: 30 } });
    expect(await t.service.handle(tip)).toEqual({ ok: true, value: { msgId: 'm1', authorId: 'author', amount: 30 } });
    expect(notices(MessageType.GROUP_MESSAGE_TIP)).toEqual([
      ['author', 1],
      ['author', 1],
    ]);
    expect((await t.store.messages.range('s:author', { limit: 10 })).map((m) => m.message.messageType)).toEqual([
      MessageType.GROUP_MESSAGE_TIP,
    ]);
    expect(await t.service.ledger.balance('fan')).toBe(70);
    expect(await t.service.ledger.balance('author')).toBe(30);
  });

  it('refuses a tip from a member muted in the group (the group-send rule)', async () => {
    await t.store.groups.setMemberMutedUntil('g1', 'fan', 10);
    const tip: WalletCommand = {
      kind: 'tip',
      tipId: 'tp-2',
      fromId: 'fan',
      groupId: 'g1',
      msgId: 'm1',
      amount: 30,
      at: 2,
    };
    expect(await t.service.handle(tip)).toMatchObject({ ok: false, error: 'IM_ERR_GROUP_MUTED' });
    expect(t.got).toEqual([]);
    expect(await t.service.ledger.balance('fan')).toBe(100);
  });
});
