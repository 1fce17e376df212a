import { verifyToken } from '@im/common';
import type { TokenClaims } from '@im/common';
import { isValidId } from '@im/protocol';
import type { ImSocket } from './socket.events';

export interface SocketIdentity {
  readonly claims: TokenClaims;
  readonly deviceId: string;
  readonly devType: number | undefined;
  /**
   * False while the device is not known yet: no `deviceId` and no `devType` in the handshake. It
   * settles at the client's type 1 (its `devType`, else the connection is its own device).
   */
  readonly settled: boolean;
  /** The connection is its own device (neither a deviceId nor a devType was ever sent). */
  readonly ownDevice?: true;
}

/** The device id of a connection that is its own device. */
export const connectionDeviceId = (socketId: string): string => `conn-${socketId}`;
export const devTypeDeviceId = (devType: number): string => `devtype-${devType}`;

function pick(source: unknown, key: string): unknown {
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[key] : undefined;
}

/** v4 clients send `auth: {token}`; v2 clients can only use the query string. */
function handshakeValue(socket: ImSocket, key: string): unknown {
  return pick(socket.handshake.auth, key) ?? pick(socket.handshake.query, key);
}

export function readDevType(raw: unknown): number | undefined {
  const n = typeof raw === 'string' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 99 ? n : undefined;
}

/**
 * Identifies the connecting device. `deviceId` names the installation (its delivery cursor);
 * when absent the handshake's device type stands in, so one phone and one PC keep separate
 * cursors; with neither, identity settles at type 1 (docs/protocol-notes.md, "Device identity").
 */
export function identify(
  socket: ImSocket,
  secret: string,
  now: number,
): { ok: true; identity: SocketIdentity } | { ok: false; reason: string } {
  const verified = verifyToken(handshakeValue(socket, 'token'), secret, now);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  const devType = readDevType(handshakeValue(socket, 'devType'));
  const rawDevice = handshakeValue(socket, 'deviceId');
  if (rawDevice !== undefined && !isValidId(rawDevice)) return { ok: false, reason: 'deviceId is not a valid id' };
  if (typeof rawDevice === 'string')
    return { ok: true, identity: { claims: verified.claims, deviceId: rawDevice, devType, settled: true } };
  if (devType !== undefined)
    return {
      ok: true,
      identity: { claims: verified.claims, deviceId: devTypeDeviceId(devType), devType, settled: true },
    };
  // Until type 1 the connection is provisionally its own device.
  return {
    ok: true,
    identity: { claims: verified.claims, deviceId: connectionDeviceId(socket.id), devType: undefined, settled: false },
  };
}
