import { AppError } from '@im/common';
import type { FastifyRequest } from 'fastify';

/** 127.0.0.0/8, ::1, and IPv4 loopback seen through an IPv6 socket (::ffff:127.x.x.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A Host header naming this machine: localhost, 127.x.x.x or [::1], with an optional port. */
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

/**
 * Refuses (403) a request that is not a developer's own on this machine:
 *
 * - the TCP peer is not loopback (never a forwarded-for header: a proxy in front would make
 *   every request look local);
 * - the Host header does not name this machine: a page whose domain was re-pointed at 127.0.0.1
 *   (DNS rebinding) arrives from loopback, but under its own name;
 * - a browser Origin other than this server's own: any web page the developer has open could
 *   otherwise post here from their browser (embedded mode lets any origin call the API).
 */
export function requireLoopback(request: FastifyRequest, what: string): void {
  const address = request.socket.remoteAddress;
  if (!isLoopbackAddress(address)) {
    throw new AppError(
      'IM_ERR_FORBIDDEN',
      `${what} answers only clients on this machine (loopback); this request came from ${address ?? 'an unknown address'}`,
    );
  }
  const host = request.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host))
    throw new AppError(
      'IM_ERR_FORBIDDEN',
      `${what} answers only requests to localhost, 127.0.0.1 or [::1], not to ${host || 'no host'}`,
    );
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
    throw new AppError('IM_ERR_FORBIDDEN', `${what} answers only this server's own pages (the console), not ${origin}`);
  }
}
