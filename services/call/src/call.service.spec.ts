import { AppError, createLogger, IdGenerator, ManualClock } from '@im/common';
import type { ImMessage } from '@im/protocol';
import { MemoryCallStore, MemoryPresence } from '@im/realtime';
import { SqliteStore } from '@im/store';
import { CallLifecycle } from './call.lifecycle';
import type { CallNotifier, CallOutcome } from './call.notifier';
import { CallService } from './call.service';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A notifier that records what it was asked to send; any other use fails the test. */
function recordingNotifier(): { notifier: CallNotifier; sent: string[]; records: CallOutcome[] } {
  const sent: string[] = [];
  const records: CallOutcome[] = [];
  const impl = {
    toUser: (u: string, m: ImMessage, except?: string) =>
      void sent.push(`user:${u}${except ? `-${except}` : ''} ${m.messageType}`),
    toDevice: (u: string, d: string, m: ImMessage) => void sent.push(`device:${u}:${d} ${m.messageType}`),
    toOther: (_c: unknown, from: string, m: ImMessage) => void sent.push(`other-of:${from} ${m.messageType}`),
    // The ring's offline push: what it publishes is the cluster push test's (test/cluster/push.cluster.test.ts).
    ringPush: () => Promise.resolve(),
    record: (_c: unknown, outcome: CallOutcome) => {
      records.push(outcome);
      return Promise.resolve();
    },
  };
  const notifier = new Proxy(impl, {
    get(target, prop) {
      if (!(prop in target)) throw new Error(`unexpected notifier call: ${String(prop)}`);
      return target[prop as keyof typeof target];
    },
  }) as unknown as CallNotifier;
  return { notifier, sent, records };
}

const msg = (fromId: string, destId: string, messageType: number, content: unknown = ''): ImMessage => ({
  msgId: `${fromId}-${messageType}-${Math.random()}`,
  fromId,
  destId,
  fromType: 1,
  fromName: fromId,
  imageIconUrl: '',
  content,
  messageType: messageType as ImMessage['messageType'],
});
const sender = (sub: string, deviceId: string) => ({ claims: { sub, exp: 0 }, deviceId });
const code = (e: unknown): string | undefined => (e instanceof AppError ? e.error.name : undefined);

describe(CallService.name, () => {
  let store: SqliteStore;
  let calls: MemoryCallStore;
  let clock: ManualClock;
  let rec: ReturnType<typeof recordingNotifier>;
  let service: CallService;
  let lifecycle: CallLifecycle;

  beforeEach(() => {
    store = new SqliteStore(':memory:');
    calls = new MemoryCallStore();
    clock = new ManualClock();
    rec = recordingNotifier();
    service = new CallService(
      calls,
      store,
      rec.notifier,
      { callRingTimeoutMs: 30_000, requireFriendship: false },
      clock,
      new IdGenerator(),
      logger,
    );
    lifecycle = new CallLifecycle(
      calls,
      service,
      rec.notifier,
      new MemoryPresence(),
      { callDropGraceMs: 0 },
      clock,
      logger,
    );
  });
  afterEach(() => store.close());

  it('lets exactly one of two devices that answer at once take the call', async () => {
    await service.signal(sender('a', 'a1'), msg('a', 'b', 150));
    const results = await Promise.allSettled([
      service.signal(sender('b', 'phone'), msg('b', 'a', 152)),
      service.signal(sender('b', 'pc'), msg('b', 'a', 152)),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected');
    expect(code(refused?.reason)).toBe('IM_ERR_CONFLICT');
    expect(rec.sent.filter((s) => s === 'device:a:a1 152')).toHaveLength(1);
  });

  it('records one 162 when a hangup races the ringing timeout', async () => {
    await service.signal(sender('a', 'a1'), msg('a', 'b', 151));
    clock.advance(30_000);
    const results = await Promise.allSettled([
      lifecycle.sweep(),
      service.signal(sender('a', 'a1'), msg('a', 'b', 156)),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(rec.records).toHaveLength(1);
    expect(['missed', 'cancelled']).toContain(rec.records[0]);
    expect(await calls.ofUser('a')).toBeUndefined();
  });

  it('answers a busy callee in the dialect of the offer and records it as busy', async () => {
    await service.signal(sender('a', 'a1'), msg('a', 'b', 150));
    await service.signal(sender('c', 'c1'), msg('c', 'b', 44));
    expect(rec.sent).toEqual(['user:b 150', 'device:c:c1 45']);
    expect(rec.records).toEqual(['busy']);
    expect(await calls.ofUser('c')).toBeUndefined();
  });

  it('refuses signals from anyone but the parties, and a call to a user who blacklisted the caller', async () => {
    await service.signal(sender('a', 'a1'), msg('a', 'b', 150));
    await expect(service.signal(sender('z', 'z1'), msg('z', 'a', 156))).rejects.toMatchObject({
      error: { name: 'IM_ERR_NOT_FOUND' },
    });
    await expect(service.signal(sender('z', 'z1'), msg('z', 'a', 152))).rejects.toMatchObject({
      error: { name: 'IM_ERR_NOT_FOUND' },
    });
    await expect(service.signal(sender('z', 'z1'), msg('a', 'b', 156))).rejects.toMatchObject({
      error: { name: 'IM_ERR_SPOOFED_SENDER' },
    });
    await store.relations.block('d', 'z');
    await expect(service.signal(sender('z', 'z1'), msg('z', 'd', 150))).rejects.toMatchObject({
      error: { name: 'IM_ERR_BLACKLISTED' },
    });
    expect(rec.sent).toEqual(['user:b 150']);
  });

  it('rings a callee device that connects after the call began, never one that was there already (a redelivered connect) nor after the ringing timed out', async () => {
    const before = clock.now();
    clock.advance(1_000);
    await service.signal(sender('a', 'a1'), msg('a', 'b', 150));
    await lifecycle.deviceConnected('b', 'phone', before);
    expect(rec.sent).toEqual(['user:b 150']);
    clock.advance(1_000);
    await lifecycle.deviceConnected('b', 'pc', clock.now());
    expect(rec.sent).toEqual(['user:b 150', 'device:b:pc 150']);
    clock.advance(30_000);
    await lifecycle.deviceConnected('b', 'tablet', clock.now());
    expect(rec.sent).toEqual(['user:b 150', 'device:b:pc 150']);
    await lifecycle.sweep();
    expect(rec.records).toEqual(['missed']);
  });

  it('ends a call at once when the grace period is 0 and the caller’s device goes away', async () => {
    await service.signal(sender('a', 'a1'), msg('a', 'b', 150));
    await service.signal(sender('b', 'b1'), msg('b', 'a', 152));
    await lifecycle.deviceDisconnected('b', 'other-device');
    expect(rec.records).toEqual([]);
    await lifecycle.deviceDisconnected('a', 'a1');
    expect(rec.records).toEqual(['dropped']);
    expect(rec.sent.at(-1)).toBe('other-of:a 161');
  });
});
