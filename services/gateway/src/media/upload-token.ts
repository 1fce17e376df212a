import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UploadIntent } from './media.store';

/**
 * The token of an embedded upload URL: the intent (key, type, size, owner, expiry) and its
 * HMAC-SHA256 under a key derived from the JWT secret, so the gateway that receives the bytes
 * needs no state to know what it agreed to store.
 */
export class UploadTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('im-media-upload-v1').digest();
  }

  sign(intent: UploadIntent): string {
    const body = Buffer.from(JSON.stringify(intent)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The intent, when the token is ours and unexpired. */
  verify(token: string, now: number): UploadIntent | undefined {
    const [body, mac] = token.split('.');
    if (body === undefined || mac === undefined) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const intent = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as UploadIntent;
    return intent.expiresAt > now ? intent : undefined;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
