import { createHmac } from 'node:crypto';
import type { ConfigOf, ConfigSchema } from '@im/common';

/**
 * The ICE servers (STUN and TURN) a client gives its RTCPeerConnection, with TURN REST
 * credentials ("A REST API for access to TURN services", the scheme coturn calls
 * `use-auth-secret`): the username is `<expiry in unix seconds>:<userId>` and the password is
 * base64(HMAC-SHA1(shared secret, username)). The TURN server checks both with the same secret and
 * refuses the credential once the expiry has passed, so the gateway never stores one.
 */
export const ICE_CONFIG = {
  IM_STUN_URLS: {
    kind: 'list',
    doc: 'STUN servers handed to clients for calls (`stun:stun.example.com:3478`, comma-separated). Unset: none.',
  },
  IM_TURN_URLS: {
    kind: 'list',
    doc: 'TURN servers handed to clients for calls (`turn:turn.example.com:3478?transport=udp`, `turns:…`, comma-separated), with time-limited credentials from IM_TURN_SECRET. Unset: none.',
  },
  IM_TURN_SECRET: {
    kind: 'string',
    secret: true,
    doc: 'The TURN server’s shared secret (coturn `static-auth-secret` with `use-auth-secret`); required when IM_TURN_URLS is set.',
  },
  IM_TURN_CREDENTIAL_TTL_S: {
    kind: 'int',
    default: 3600,
    min: 60,
    max: 86400,
    doc: 'How long a TURN credential from GET /v1/calls/ice-servers stays valid, in seconds (a call in progress keeps its relay).',
  },
} as const satisfies ConfigSchema;

export type IceConfig = ConfigOf<typeof ICE_CONFIG>;

export interface IceSettings {
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  /** Undefined when no TURN server is configured. */
  readonly turnSecret: string | undefined;
  readonly credentialTtlS: number;
}

/** What `GET /v1/calls/ice-servers` answers: the shape of WebRTC's `RTCConfiguration.iceServers`. */
export interface IceServersAnswer {
  readonly iceServers: ({ urls: string[] } | { urls: string[]; username: string; credential: string })[];
  /** When the TURN credential stops working (ms since the epoch); absent without TURN. */
  readonly expiresAt?: number;
}

export function iceSettings(c: IceConfig): IceSettings {
  return {
    stunUrls: c.IM_STUN_URLS,
    turnUrls: c.IM_TURN_URLS,
    turnSecret: c.IM_TURN_SECRET,
    credentialTtlS: c.IM_TURN_CREDENTIAL_TTL_S,
  };
}

/** Start-up problems: URLs of the wrong scheme, TURN without its secret. */
export function iceConfigProblems(c: Pick<IceConfig, 'IM_STUN_URLS' | 'IM_TURN_URLS' | 'IM_TURN_SECRET'>): string[] {
  const problems: string[] = [];
  for (const url of c.IM_STUN_URLS)
    if (!/^stuns?:[^\s]+$/.test(url)) problems.push(`IM_STUN_URLS: ${url} is not a stun: or stuns: URL`);
  for (const url of c.IM_TURN_URLS)
    if (!/^turns?:[^\s]+$/.test(url)) problems.push(`IM_TURN_URLS: ${url} is not a turn: or turns: URL`);
  if (c.IM_TURN_URLS.length > 0 && !c.IM_TURN_SECRET)
    problems.push('IM_TURN_SECRET: required when IM_TURN_URLS is set');
  return problems;
}

/** The TURN REST credential of `userId` valid until `expiresAtS` (unix seconds). */
export function turnCredential(
  secret: string,
  userId: string,
  expiresAtS: number,
): { username: string; credential: string } {
  const username = `${expiresAtS}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

export function iceServersFor(settings: IceSettings, userId: string, nowMs: number): IceServersAnswer {
  const iceServers: IceServersAnswer['iceServers'] = [];
  if (settings.stunUrls.length > 0) iceServers.push({ urls: [...settings.stunUrls] });
  if (settings.turnUrls.length === 0 || settings.turnSecret === undefined) return { iceServers };
  const expiresAtS = Math.floor(nowMs / 1000) + settings.credentialTtlS;
  iceServers.push({ urls: [...settings.turnUrls], ...turnCredential(settings.turnSecret, userId, expiresAtS) });
  return { iceServers, expiresAt: expiresAtS * 1000 };
}
