import { AppError } from '@im/common';
import type { FastifyRequest } from 'fastify';

/** 127.0.0.0/8, ::1, and IPv4 loopback seen through an IPv6 socket (::ffff:127.x.x.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Refuses (403) a request that did not come from this machine. The address is the TCP peer's,
 * never a forwarded-for header: a proxy in front would make every request look local, so the
 * dev endpoints are for a developer's own machine, not for a server behind one.
 */
export function requireLoopback(request: FastifyRequest, what: string): void {
  const address = request.socket.remoteAddress;
  if (!isLoopbackAddress(address)) {
    throw new AppError('IM_ERR_FORBIDDEN', `${what} answers only clients on this machine (loopback); this request came from ${address ?? 'an unknown address'}`);
  }
}
