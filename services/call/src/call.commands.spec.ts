import type { Bus, CallCommand } from '@im/bus';
import { createLogger, IdGenerator, ManualClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { MemoryCallStore, MemoryMultiCallStore, MemoryPresence } from '@im/realtime';
import type { Delivery, DeliveryPort } from '@im/realtime';
import { SqliteStore } from '@im/store';
import { callCommandKey } from '@im/bus';
import { CallCommands, SIGNAL_MAX_AGE_MS } from './call.commands';
import { CallLifecycle } from './call.lifecycle';
import { CallNotifier } from './call.notifier';
import { CallService } from './call.service';
import { MultiCallService } from './multi-call.service';

const logger = createLogger({ service: 'test', level: 'silent' });

const msg = (fromId: string, destId: string, messageType: number, fromType: 1 | 2 = 1): ImMessage => ({
  msgId: `${fromId}-${messageType}-${Math.random()}`,
  fromId,
  destId,
  fromType,
  fromName: fromId,
  imageIconUrl: '',
  content: '',
  messageType: messageType as ImMessage['messageType'],
});

describe(CallCommands.name, () => {
  let store: SqliteStore;
  let calls: MemoryCallStore;
  let presence: MemoryPresence;
  let clock: ManualClock;
  let sent: { userId: string; delivery: Delivery }[];
  let outcomes: string[];
  let commands: CallCommands;

  const signal = (
    fromId: string,
    deviceId: string,
    destId: string,
    messageType: number,
    at = clock.now(),
  ): CallCommand => ({
    kind: 'signal',
    sender: { claims: { sub: fromId }, deviceId },
    message: msg(fromId, destId, messageType),
    at,
  });
  const session = (userId: string, deviceId: string) => ({
    userId,
    deviceId,
    socketId: `${userId}-${deviceId}`,
    gatewayId: 'gw',
    connectedAt: 0,
  });

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    calls = new MemoryCallStore();
    presence = new MemoryPresence();
    clock = new ManualClock();
    sent = [];
    outcomes = [];
    const delivery = {
      send: (userIds: readonly string[], d: Delivery) => {
        for (const userId of userIds) sent.push({ userId, delivery: d });
        return Promise.resolve();
      },
    } as unknown as DeliveryPort;
    const bus = {
      publish: (_topic: string, _key: string, record: { message: { content: { outcome: string } } }) => {
        outcomes.push(record.message.content.outcome);
        return Promise.resolve();
      },
    } as unknown as Bus;
    const notifier = new CallNotifier(delivery, bus, clock);
    const oneToOne = new CallService(
      calls,
      store,
      notifier,
      { callRingTimeoutMs: 30_000, requireFriendship: false },
      clock,
      new IdGenerator(),
      logger,
    );
    const multi = new MultiCallService(
      new MemoryMultiCallStore(),
      store,
      notifier,
      { multiCallMaxParticipants: 9 },
      clock,
      new IdGenerator(),
      logger,
    );
    const lifecycle = new CallLifecycle(
      calls,
      oneToOne,
      notifier,
      presence,
      { callDropGraceMs: 0 },
      clock,
      logger,
      multi,
    );
    commands = new CallCommands(oneToOne, multi, lifecycle, clock, logger);
  });
  afterEach(() => store.close());

  it('answers a signal with the ack, or with the registry error of a refusal', async () => {
    expect(await commands.handle(signal('a', 'a1', 'b', 150))).toEqual({ ok: true, value: { done: true } });
    expect(sent).toEqual([
      { userId: 'b', delivery: { kind: 'live', message: expect.objectContaining({ messageType: 150, fromId: 'a' }) } },
    ]);
    expect(await commands.handle(signal('z', 'z1', 'a', 156))).toMatchObject({ ok: false, error: 'IM_ERR_NOT_FOUND' });
    expect(await commands.handle(signal('c', 'c1', 'a', 150))).toEqual({ ok: true, value: { done: true } });
    expect(outcomes).toEqual(['busy']);
    expect(await commands.handle(signal('a', 'a1', 'a', 150))).toMatchObject({
      ok: false,
      error: 'IM_ERR_BAD_REQUEST',
    });
  });

  it('refuses, unapplied, a signal that waited on the bus longer than the gateway waited for its answer', async () => {
    const stale = signal('a', 'a1', 'b', 150, clock.now());
    clock.advance(SIGNAL_MAX_AGE_MS + 1);
    expect(await commands.handle(stale)).toMatchObject({ ok: false, error: 'IM_ERR_UNAVAILABLE' });
    expect(await calls.ofUser('a')).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('answers an unexpected failure as internal instead of throwing (no bus retry of a half-applied signal)', async () => {
    await store.close();
    expect(await commands.handle(signal('a', 'a1', 'b', 150))).toMatchObject({ ok: false, error: 'IM_ERR_INTERNAL' });
    store = new SqliteStore(':memory:');
  });

  it('a disconnect of a device that is already back does nothing and says so', async () => {
    await commands.handle(signal('a', 'a1', 'b', 150));
    await commands.handle(signal('b', 'b1', 'a', 152));
    await presence.add(session('a', 'a1'));
    expect(await commands.handle({ kind: 'device-disconnected', userId: 'a', deviceId: 'a1', groups: [] })).toEqual({
      ok: true,
      value: { done: true, left: false },
    });
    expect(outcomes).toEqual([]);
    await presence.remove({ userId: 'a', socketId: 'a-a1' });
    expect(await commands.handle({ kind: 'device-disconnected', userId: 'a', deviceId: 'a1', groups: [] })).toEqual({
      ok: true,
      value: { done: true, left: true },
    });
    expect(outcomes).toEqual(['dropped']);
    expect(sent.at(-1)).toEqual({
      userId: 'b',
      delivery: {
        kind: 'live',
        deviceId: 'b1',
        message: expect.objectContaining({ messageType: 161, fromId: 'a', destId: 'b' }),
      },
    });
  });

  it('users of a dead gateway: only a party whose call device has no session left anywhere is dropped', async () => {
    await commands.handle(signal('a', 'a1', 'b', 150));
    await commands.handle(signal('b', 'b1', 'a', 152));
    // b's call device reconnected through another gateway; a has a session, but not the call device.
    await presence.add(session('b', 'b1'));
    await presence.add(session('a', 'a2'));
    expect(await commands.handle({ kind: 'users-lost', gatewayId: 'gw0', userIds: ['b', 'x'] })).toEqual({
      ok: true,
      value: { done: true },
    });
    expect(outcomes).toEqual([]);
    expect(await commands.handle({ kind: 'users-lost', gatewayId: 'gw0', userIds: ['a'] })).toEqual({
      ok: true,
      value: { done: true },
    });
    expect(outcomes).toEqual(['dropped']);
  });

  it('keys a group call signal by its group, anything else by its user', () => {
    expect(
      callCommandKey({
        kind: 'signal',
        sender: { claims: { sub: 'a' }, deviceId: 'd' },
        message: msg('a', 'g1', 163, 2),
        at: 0,
      }),
    ).toBe('group:g1');
    expect(callCommandKey(signal('a', 'd', 'b', 150))).toBe('a');
    expect(callCommandKey({ kind: 'device-connected', userId: 'b', deviceId: 'd' })).toBe('b');
    expect(callCommandKey({ kind: 'users-lost', gatewayId: 'gw', userIds: [] })).toBe('gateway:gw');
  });
});
