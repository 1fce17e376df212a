// Builds the console into services/gateway/dist/console, and only when its sources changed:
// `npm start`, `npm run token` and `npm test` all build, possibly while a test is reading the
// console, so an up-to-date build is left alone and a new one replaces the old by renames.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '..', 'services', 'gateway', 'dist', 'console');
const stamp = '.build-hash';
const require = createRequire(import.meta.url);

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
const inputs = [
  ...['index.html', 'vite.config.mjs', 'package.json', 'tsconfig.json', 'build.mjs'].map((f) => join(here, f)),
  ...walk(join(here, 'src')),
].sort();
const hash = createHash('sha256');
hash.update(`vite ${require('vite/package.json').version}\n`);
for (const file of inputs) hash.update(`${relative(here, file)}\n`).update(readFileSync(file));
const digest = hash.digest('hex');

if (
  existsSync(join(out, stamp)) &&
  readFileSync(join(out, stamp), 'utf8') === digest &&
  existsSync(join(out, 'index.html'))
)
  process.exit(0);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], {
  stdio: 'inherit',
});
const { build } = await import('vite');
const tmp = `${out}.tmp-${process.pid}`;
await build({ configFile: join(here, 'vite.config.mjs'), logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
writeFileSync(join(tmp, stamp), digest);
const old = `${out}.old-${process.pid}`;
if (existsSync(out)) renameSync(out, old);
renameSync(tmp, out);
rmSync(old, { recursive: true, force: true });
