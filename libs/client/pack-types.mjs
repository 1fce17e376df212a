// `npm pack` / `npm publish` (prepack): @im/protocol is bundled, not a dependency, so its
// declarations are copied to dist/types/protocol and our declarations import them by relative path.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const types = join(here, 'dist', 'types');
const protocolTypes = resolve(here, '..', 'protocol', 'dist');
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );

for (const file of walk(protocolTypes)) {
  const rel = relative(protocolTypes, file);
  if (rel.split(/[\\/]/).includes('testing')) continue;
  mkdirSync(dirname(join(types, 'protocol', rel)), { recursive: true });
  cpSync(file, join(types, 'protocol', rel));
}
for (const file of walk(types)) {
  const rel = relative(types, file);
  if (rel.startsWith('protocol')) continue;
  const target = relative(dirname(file), join(types, 'protocol', 'index')).replace(/\\/g, '/');
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replaceAll(`'@im/protocol'`, `'${target.startsWith('.') ? target : `./${target}`}'`);
  if (rewritten !== text) writeFileSync(file, rewritten);
}
