import { ManualClock, createLogger } from '@im/common';
import { MemoryDeliveryHub } from '@im/realtime';
import type { Delivery } from '@im/realtime';
import { SqliteStore } from '@im/store';
import { GroupExpirySweeper } from './group-expiry.sweeper';
import { GroupService } from './group.service';

const logger = createLogger({ service: 'test', level: 'silent' });
const HOUR = 3_600_000;

describe(GroupExpirySweeper.name, () => {
  let store: SqliteStore;
  let clock: ManualClock;
  let got: [string, number][];
  let service: GroupService;
  let hub: MemoryDeliveryHub;
  const sweeper = (): GroupExpirySweeper =>
    new GroupExpirySweeper(store, hub.port(), { reminderLeadMs: HOUR }, clock, logger);
  const setExpiry = (userId: string, expiresAt: number | null, commandId = `c-${Math.random()}`) =>
    service.handle({ kind: 'set-expiry', groupId: 'g1', userId, commandId, at: clock.now(), expiresAt });
  const types = async (): Promise<number[]> =>
    (await store.messages.range('g:g1', { limit: 10 })).map((m) => m.message.messageType);

  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    clock = new ManualClock(1_000_000);
    hub = new MemoryDeliveryHub({ handOver: 'sameTurn' });
    const gateway = hub.port();
    got = [];
    gateway.onDelivery((u, d: Delivery) => {
      if (d.kind === 'stored') got.push([u, d.message.message.messageType]);
    });
    for (const u of ['o', 'a', 'x']) await gateway.listen(u);
    service = new GroupService(store, hub.port(), { maxMembers: 10 }, logger);
    await service.handle({ kind: 'create', groupId: 'g1', ownerId: 'o', name: 'G', memberIds: ['a'], at: 1 });
    got.length = 0; // the creation's 10 to 'a'; what follows is the sweeper's
  });
  afterEach(() => store.close());

  it('only the owner sets a future expiry date; members and past dates are refused and change nothing', async () => {
    expect(await setExpiry('a', clock.now() + 10 * HOUR)).toMatchObject({ ok: false, error: 'IM_ERR_FORBIDDEN' });
    expect(await setExpiry('x', clock.now() + 10 * HOUR)).toMatchObject({ ok: false, error: 'IM_ERR_NOT_MEMBER' });
    expect(await setExpiry('o', clock.now())).toMatchObject({ ok: false, error: 'IM_ERR_BAD_REQUEST' });
    expect(await store.groups.get('g1')).not.toHaveProperty('expiresAt');
    expect(await setExpiry('o', clock.now() + 10 * HOUR)).toEqual({ ok: true, value: { done: true } });
    expect(await store.groups.get('g1')).toMatchObject({ expiresAt: clock.now() + 10 * HOUR });
    expect(await setExpiry('o', null)).toEqual({ ok: true, value: { done: true } });
    expect(await store.groups.get('g1')).not.toHaveProperty('expiresAt');
  });

  it('sends 58 once the lead time is reached and 65 once at expiry, to the members only, stored in the group conversation', async () => {
    const expiresAt = clock.now() + 3 * HOUR;
    await setExpiry('o', expiresAt);
    const s = sweeper();
    expect(await s.sweep()).toEqual({ reminded: [], expired: [] });
    clock.advance(2 * HOUR - 1);
    expect(await s.sweep()).toEqual({ reminded: [], expired: [] });
    clock.advance(1);
    expect(await s.sweep()).toEqual({ reminded: ['g1'], expired: [] });
    expect(await s.sweep()).toEqual({ reminded: [], expired: [] });
    clock.advance(HOUR - 1);
    expect(await s.sweep()).toEqual({ reminded: [], expired: [] });
    clock.advance(1);
    expect(await s.sweep()).toEqual({ reminded: [], expired: ['g1'] });
    clock.advance(HOUR);
    expect(await s.sweep()).toEqual({ reminded: [], expired: [] });
    expect(await types()).toEqual([58, 65]);
    const [reminder] = await store.messages.range('g:g1', { limit: 1 });
    expect(reminder?.message).toMatchObject({ fromType: 2, destId: 'g1', content: { groupId: 'g1', expiresAt } });
    expect(got.sort()).toEqual([
      ['a', 58],
      ['a', 65],
      ['o', 58],
      ['o', 65],
    ]);
  });

  it('two sweepers over one store send each notice once', async () => {
    await setExpiry('o', clock.now() + HOUR / 2);
    const [one, two] = await Promise.all([sweeper().sweep(), sweeper().sweep()]);
    expect([...one.reminded, ...two.reminded]).toEqual(['g1']);
    clock.advance(HOUR);
    const results = await Promise.all([sweeper().sweep(), sweeper().sweep(), sweeper().sweep()]);
    expect(results.flatMap((r) => r.expired)).toEqual(['g1']);
    expect(await types()).toEqual([58, 65]);
    expect(got.filter(([u]) => u === 'a').map(([, t]) => t)).toEqual([58, 65]);
  });

  it('a sweeper that dies between storing a notice and claiming it loses nothing: the next sweep claims and delivers it, stored once', async () => {
    await setExpiry('o', clock.now() + HOUR / 2);
    const claim = store.groups.claimExpiryNotice.bind(store.groups);
    store.groups.claimExpiryNotice = () => Promise.reject(new Error('process killed'));
    await expect(sweeper().sweep()).rejects.toThrow('process killed');
    expect(await types()).toEqual([58]);
    expect(got).toEqual([]);
    store.groups.claimExpiryNotice = claim;
    expect(await sweeper().sweep()).toEqual({ reminded: ['g1'], expired: [] });
    expect(await types()).toEqual([58]);
    expect(got.sort()).toEqual([
      ['a', 58],
      ['o', 58],
    ]);
  });

  it('a sweeper that dies after claiming, before delivering: the notice is stored for sync and never sent twice', async () => {
    await setExpiry('o', clock.now() + HOUR / 2);
    const dying = hub.port();
    dying.send = () => Promise.reject(new Error('process killed'));
    const broken = new GroupExpirySweeper(store, dying, { reminderLeadMs: HOUR }, clock, logger);
    await expect(broken.sweep()).rejects.toThrow('process killed');
    expect(await sweeper().sweep()).toEqual({ reminded: [], expired: [] });
    expect(await types()).toEqual([58]);
    expect(got).toEqual([]);
  });

  it('a group already past its date gets 65 without a late 58; a new date starts over; a dismissed group gets nothing', async () => {
    await setExpiry('o', clock.now() + 10);
    clock.advance(HOUR);
    expect(await sweeper().sweep()).toEqual({ reminded: [], expired: ['g1'] });
    expect(await types()).toEqual([65]);
    // Extended: the new date gets its own reminder and expired notice.
    await setExpiry('o', clock.now() + HOUR);
    expect(await sweeper().sweep()).toEqual({ reminded: ['g1'], expired: [] });
    await service.handle({ kind: 'dismiss', groupId: 'g1', userId: 'o', commandId: 'd1', at: clock.now() });
    clock.advance(2 * HOUR);
    expect(await sweeper().sweep()).toEqual({ reminded: [], expired: [] });
    expect(await types()).toEqual([65, 58, 51]);
  });

  it('start() sweeps every interval and, once closed, sweeps no more', async () => {
    await setExpiry('o', clock.now() + HOUR / 2);
    const running = sweeper().start(10);
    for (let i = 0; i < 200 && (await types()).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await types()).toEqual([58]);
    await running.close();
    clock.advance(HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(await types()).toEqual([58]);
  });
});
