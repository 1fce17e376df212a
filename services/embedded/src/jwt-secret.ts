import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'jwt-secret';

/**
 * Embedded mode without IM_JWT_SECRET: a secret is created once in the data folder (mode 0600)
 * and reused, so tokens minted with `npm run -s token` keep working across restarts.
 */
export function loadOrCreateSecret(dataDir: string): { secret: string; created: boolean } {
  const existing = loadSecret(dataDir);
  if (existing !== undefined) return { secret: existing, created: false };
  const file = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, created: true };
}

/** The secret the embedded server created in `dataDir`, or undefined when it has not made one. */
export function loadSecret(dataDir: string): string | undefined {
  const file = join(dataDir, SECRET_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
