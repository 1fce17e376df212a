import { verifyToken } from '@im/common';
import type { TokenClaims } from '@im/common';
import { isValidId } from '@im/protocol';
import type { Socket } from 'socket.io';

export interface SocketIdentity {
  readonly claims: TokenClaims;
  readonly deviceId: string;
  readonly devType: number | undefined;
}

function pick(source: unknown, key: string): unknown {
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[key] : undefined;
}

/** v4 clients send `auth: {token}`; v2 clients can only use the query string. */
function handshakeValue(socket: Socket, key: string): unknown {
  return pick(socket.handshake.auth, key) ?? pick(socket.handshake.query, key);
}

function readDevType(raw: unknown): number | undefined {
  const n = typeof raw === 'string' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 99 ? n : undefined;
}

/**
 * Identifies the connecting device. `deviceId` names the installation (its delivery cursor);
 * when absent the device type stands in, so one phone and one PC keep separate cursors.
 */
export function identify(socket: Socket, secret: string, now: number): { ok: true; identity: SocketIdentity } | { ok: false; reason: string } {
  const verified = verifyToken(handshakeValue(socket, 'token'), secret, now);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  const devType = readDevType(handshakeValue(socket, 'devType'));
  const rawDevice = handshakeValue(socket, 'deviceId');
  if (rawDevice !== undefined && !isValidId(rawDevice)) return { ok: false, reason: 'deviceId is not a valid id' };
  const deviceId = typeof rawDevice === 'string' ? rawDevice : `devtype-${devType ?? 0}`;
  return { ok: true, identity: { claims: verified.claims, deviceId, devType } };
}
