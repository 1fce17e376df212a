import type { DeviceSession } from '@im/realtime';
import { sessionsToReplace } from './presence.notifier';

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
