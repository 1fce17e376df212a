import { createHmac, timingSafeEqual } from 'node:crypto';

/** The identity a verified token carries. */
export interface TokenClaims {
  readonly sub: string;
  readonly name?: string;
  readonly avatar?: string;
  readonly exp?: number;
  readonly iat?: number;
  /** Extra roles, e.g. `admin` for the operations endpoints. */
  readonly roles?: readonly string[];
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Signs HS256 tokens (used by `npm run token`, tests and the embedded console). */
export function signToken(claims: Omit<TokenClaims, 'iat'> & { iat?: number }, secret: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ iat: Math.floor(Date.now() / 1000), ...claims }));
  const sig = createHmac('sha256', secret).update(`${header}.${body}`).digest();
  return `${header}.${body}.${b64url(sig)}`;
}

function checkClaims(payload: unknown, nowSeconds: number): VerifyResult {
  if (typeof payload !== 'object' || payload === null) return { ok: false, reason: 'malformed payload' };
  const p = payload as Record<string, unknown>;
  if (typeof p.sub !== 'string' || !USER_ID.test(p.sub))
    return { ok: false, reason: 'sub missing or not a valid user id' };
  if (p.exp !== undefined && (typeof p.exp !== 'number' || p.exp <= nowSeconds))
    return { ok: false, reason: 'token expired' };
  if (p.nbf !== undefined && (typeof p.nbf !== 'number' || p.nbf > nowSeconds + 30))
    return { ok: false, reason: 'token not yet valid' };
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 2048) : undefined);
  const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : undefined;
  const claims: TokenClaims = {
    sub: p.sub,
    ...(str(p.name) !== undefined ? { name: str(p.name) } : {}),
    ...(str(p.avatar) !== undefined ? { avatar: str(p.avatar) } : {}),
    ...(typeof p.exp === 'number' ? { exp: p.exp } : {}),
    ...(typeof p.iat === 'number' ? { iat: p.iat } : {}),
    ...(roles ? { roles } : {}),
  };
  return { ok: true, claims };
}

/**
 * Verifies an HS256 JWT. Only `alg: HS256` is accepted (so `none` and algorithm-confusion
 * tokens fail), the signature is compared in constant time, and `exp` is enforced.
 */
export function verifyToken(token: unknown, secret: string, nowMs: number = Date.now()): VerifyResult {
  if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: 'missing token' };
  if (token.length > 8192) return { ok: false, reason: 'token too long' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [h, b, s] = parts as [string, string, string];
  const header = decodeJson(h) as { alg?: unknown } | undefined;
  if (!header || header.alg !== 'HS256') return { ok: false, reason: 'unsupported token algorithm' };
  const expected = createHmac('sha256', secret).update(`${h}.${b}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  return checkClaims(decodeJson(b), Math.floor(nowMs / 1000));
}
