import { createLogger, systemClock } from '@im/common';
import { MemoryOnceStore, MemoryPresence } from '@im/realtime';
import type { Delivery, DeliveryPort, DeviceSession } from '@im/realtime';
import type { Store } from '@im/store';
import { PresenceNotifier, sessionsToReplace } from './presence.notifier';

const s = (socketId: string, connectedAt: number, devType?: number): DeviceSession => ({
  userId: 'u',
  deviceId: `d-${socketId}`,
  socketId,
  gatewayId: 'gw',
  connectedAt,
  ...(devType !== undefined ? { devType } : {}),
});

describe('sessionsToReplace', () => {
  const phoneOld = s('a', 1, 1);
  const pc = s('b', 2, 2);
  const bare = s('c', 3);
  const phoneNew = s('d', 5, 1);
  const all = [phoneOld, pc, bare, phoneNew];

  it('per-devtype: only older sessions of the same declared devType', () => {
    expect(sessionsToReplace('per-devtype', phoneNew, all)).toEqual([phoneOld]);
    expect(sessionsToReplace('per-devtype', s('e', 9), all)).toEqual([]);
  });

  it('single: every older session; many: none', () => {
    expect(sessionsToReplace('single', phoneNew, all)).toEqual([phoneOld, pc, bare]);
    expect(sessionsToReplace('many', phoneNew, all)).toEqual([]);
  });

  it('never replaces a newer session, and breaks a tie by socket id', () => {
    expect(sessionsToReplace('per-devtype', phoneOld, all)).toEqual([]);
    const x = s('x', 7, 1);
    const y = s('y', 7, 1);
    expect(sessionsToReplace('per-devtype', y, [x, y])).toEqual([x]);
    expect(sessionsToReplace('per-devtype', x, [x, y])).toEqual([]);
  });
});

describe('PresenceNotifier (two gateways sharing one presence and once-store)', () => {
  const debounceMs = 40;
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  /** Memory presence plus one dead gateway ('gw0') that held the users in `deadUsers`, until forgotten. */
  class PresenceWithDeadGateway extends MemoryPresence {
    deadUsers: string[] = [];
    override deadGateways(): Promise<{ gatewayId: string; userIds: string[] }[]> {
      return Promise.resolve(this.deadUsers.length > 0 ? [{ gatewayId: 'gw0', userIds: [...this.deadUsers] }] : []);
    }
    override forgetGateway(): Promise<void> {
      this.deadUsers = [];
      return Promise.resolve();
    }
  }

  function setup(onGatewayLost?: (gatewayId: string, userIds: readonly string[]) => Promise<void>): {
    sent: Array<{ to: string; type: number }>;
    gw1: PresenceNotifier;
    gw2: PresenceNotifier;
    presence: PresenceWithDeadGateway;
  } {
    const sent: Array<{ to: string; type: number }> = [];
    const presence = new PresenceWithDeadGateway();
    const once = new MemoryOnceStore();
    const store = {
      relations: { friends: (u: string) => Promise.resolve(u === 'a' ? ['b'] : ['a']) },
      users: { get: () => Promise.resolve(undefined) },
    } as unknown as Store;
    const delivery = {
      send: (userIds: readonly string[], d: Delivery) => {
        if (d.kind === 'live') for (const to of userIds) sent.push({ to, type: d.message.messageType });
        return Promise.resolve();
      },
    } as unknown as DeliveryPort;
    const logger = createLogger({ service: 'test', level: 'silent' });
    const make = (): PresenceNotifier =>
      new PresenceNotifier({
        store,
        presence,
        delivery,
        once,
        clock: systemClock,
        logger,
        debounceMs,
        ...(onGatewayLost ? { onGatewayLost } : {}),
      });
    return { sent, gw1: make(), gw2: make(), presence };
  }

  it('a reconnect on another gateway within the window sends neither 6 nor a second 5', async () => {
    const { sent, gw1, gw2, presence } = setup();
    await presence.add({ ...s('b1', 1), userId: 'b' });
    await presence.add({ ...s('a1', 1), userId: 'a' });
    await gw1.online('a');
    await presence.remove({ userId: 'a', socketId: 'a1' });
    await gw1.offline('a');
    await presence.add({ ...s('a2', 2), userId: 'a' });
    await gw2.online('a');
    await wait(debounceMs * 3);
    expect(sent).toEqual([{ to: 'b', type: 5 }]);
  });

  it('sends exactly one 6 when two gateways saw the user leave, then 5 on the next connect', async () => {
    const { sent, gw1, gw2, presence } = setup();
    await presence.add({ ...s('b1', 1), userId: 'b' });
    await gw1.offline('a');
    await gw2.offline('a');
    await wait(debounceMs * 3);
    expect(sent).toEqual([{ to: 'b', type: 6 }]);
    await presence.add({ ...s('a3', 3), userId: 'a' });
    await gw2.online('a');
    expect(sent).toEqual([
      { to: 'b', type: 6 },
      { to: 'b', type: 5 },
    ]);
  });

  it('after a gateway crash, the sweeps of two gateways send one 6 for a user left with no session, none for one who came back', async () => {
    const { sent, gw1, gw2, presence } = setup();
    await presence.add({ ...s('b1', 1), userId: 'b' });
    await gw1.online('a');
    // 'a' and 'b' were on gw0, which died; 'b' reconnected elsewhere (the session above), 'a' did not.
    presence.deadUsers = ['a', 'b'];
    const [one, two] = await Promise.all([gw1.sweepCrashed(), gw2.sweepCrashed()]);
    expect([...one, ...two]).toEqual(['a']);
    expect(sent).toEqual([
      { to: 'b', type: 5 },
      { to: 'b', type: 6 },
    ]);
    // The record is gone: a later sweep sends nothing.
    expect(await gw1.sweepCrashed()).toEqual([]);
    // Listed as dead again (a second sweeper's stale read) while friends already know: no second 6.
    presence.deadUsers = ['a'];
    expect(await gw2.sweepCrashed()).toEqual([]);
    // The next first connect sends 5 and re-arms: a later crash tells 6 again.
    await gw2.online('a');
    presence.deadUsers = ['a'];
    expect(await gw1.sweepCrashed()).toEqual(['a']);
    expect(sent.map((x) => x.type)).toEqual([5, 6, 5, 6]);
  });

  it('a crash sweep after a debounced 6 sends no second one', async () => {
    const { sent, gw1, gw2, presence } = setup();
    await presence.add({ ...s('b1', 1), userId: 'b' });
    await gw1.offline('a');
    await wait(debounceMs * 3);
    presence.deadUsers = ['a'];
    expect(await gw2.sweepCrashed()).toEqual([]);
    expect(sent).toEqual([{ to: 'b', type: 6 }]);
  });

  it('tells the call service of a dead gateway’s users before forgetting it, and keeps the record for the next sweep when that fails', async () => {
    const told: string[][] = [];
    let fail = true;
    const { presence, gw1 } = setup((_gatewayId, userIds) => {
      if (fail) return Promise.reject(new Error('call service down'));
      told.push([...userIds]);
      return Promise.resolve();
    });
    presence.deadUsers = ['a', 'c'];
    await gw1.sweepCrashed();
    expect(presence.deadUsers).toEqual(['a', 'c']);
    fail = false;
    await gw1.sweepCrashed();
    expect(told).toEqual([['a', 'c']]);
    expect(presence.deadUsers).toEqual([]);
  });
});
