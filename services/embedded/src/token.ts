#!/usr/bin/env node
import { join, resolve } from 'node:path';
import { signToken } from '@im/common';
import { isValidId } from '@im/protocol';
import { SECRET_FILE, loadSecret } from './jwt-secret';

const USAGE = [
  'usage: npm run -s token -- <userId> [name] [--hours N]',
  '',
  'Prints a client token (HS256 JWT, sub = userId) for the embedded server, and nothing else on stdout.',
  '  userId      letters, digits, _ . @ -',
  '  name        optional display name carried in the token',
  '  --hours N   lifetime in hours (default 24)',
  '',
  'The secret is IM_JWT_SECRET when set, else the jwt-secret file that `npm start` created in',
  'IM_DATA_DIR (default ./data). Start the server first, or point IM_DATA_DIR at its data folder.',
  '',
].join('\n');

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** `npm run -s token -- <userId> [name] [--hours N]`: prints a client token for embedded mode. */
function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const hoursAt = args.indexOf('--hours');
  const hours = hoursAt >= 0 ? Number(args[hoursAt + 1]) : 24;
  const positional = args.filter((_, i) => hoursAt < 0 || (i !== hoursAt && i !== hoursAt + 1));
  const unknown = positional.find((a) => a.startsWith('-'));
  if (unknown) fail(`unknown option ${unknown}\n\n${USAGE}`);
  const [userId, name, extra] = positional;
  if (!userId || !isValidId(userId) || extra !== undefined || !Number.isFinite(hours) || hours <= 0) fail(USAGE);
  const dataDir = process.env.IM_DATA_DIR || './data';
  const secret = process.env.IM_JWT_SECRET || loadSecret(dataDir);
  if (!secret) {
    fail(
      `no secret: IM_JWT_SECRET is unset and ${resolve(join(dataDir, SECRET_FILE))} does not exist.\n` +
        "Start the server first (`npm start` creates it), or set IM_DATA_DIR to the server's data folder, or set IM_JWT_SECRET to the secret the server uses.",
      1,
    );
  }
  const exp = Math.floor(Date.now() / 1000) + Math.round(hours * 3600);
  process.stdout.write(`${signToken({ sub: userId, ...(name ? { name } : {}), exp }, secret)}\n`);
}

main();
