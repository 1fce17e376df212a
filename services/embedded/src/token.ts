#!/usr/bin/env node
import { signToken } from '@im/common';
import { isValidId } from '@im/protocol';
import { loadOrCreateSecret } from './jwt-secret';

/** `npm run token -- <userId> [name] [--hours N]`: prints a client token for embedded mode. */
function main(): void {
  const args = process.argv.slice(2);
  const hoursAt = args.indexOf('--hours');
  const hours = hoursAt >= 0 ? Number(args[hoursAt + 1]) : 24;
  const positional = args.filter((_, i) => hoursAt < 0 || (i !== hoursAt && i !== hoursAt + 1));
  const [userId, name] = positional;
  if (!userId || !isValidId(userId) || !Number.isFinite(hours) || hours <= 0) {
    process.stderr.write('usage: npm run token -- <userId> [name] [--hours N]   (userId: letters, digits, _ . @ -)\n');
    process.exit(2);
  }
  const secret = process.env.IM_JWT_SECRET || loadOrCreateSecret(process.env.IM_DATA_DIR || './data').secret;
  const exp = Math.floor(Date.now() / 1000) + Math.round(hours * 3600);
  process.stdout.write(`${signToken({ sub: userId, ...(name ? { name } : {}), exp }, secret)}\n`);
}

main();
