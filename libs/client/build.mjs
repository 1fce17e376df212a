// Builds the publishable bundles of @im-cluster/client after `tsc -b` made its declarations:
//   dist/esm/index.mjs, dist/cjs/index.cjs  Node 20+ and bundlers (socket.io-client external)
//   dist/browser/index.mjs                  one ES module for browsers: socket.io-client inside, no Node imports
//   dist/api/index.html                     the API reference (TypeDoc)
// dist/types/ is tsc's (`tsc -b`); `npm pack` copies @im/protocol's declarations in (pack-types.mjs).
// @im/protocol is bundled from its sources. Skipped when nothing it reads changed (the stamp
// holds a hash), and each output is replaced by a rename, so a test reading dist never sees half a file.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const protocolSrc = resolve(here, '..', 'protocol', 'src');
const dist = join(here, 'dist');
const stampFile = join(dist, '.build-hash');

const walk = (dir, keep) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), keep) : keep(e.name) ? [join(dir, e.name)] : [],
  );
const inputs = [
  join(here, 'build.mjs'),
  join(here, 'package.json'),
  join(here, 'README.md'),
  ...walk(join(here, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts')),
  ...walk(protocolSrc, (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts')),
].sort();
const hash = createHash('sha256');
hash.update(
  `rolldown ${require('rolldown/package.json').version} typedoc ${require('typedoc/package.json').version}\n`,
);
for (const file of inputs) hash.update(`${relative(here, file)}\n`).update(readFileSync(file));
const digest = hash.digest('hex');
const outputs = ['esm/index.mjs', 'cjs/index.cjs', 'browser/index.mjs', 'api/index.html'];
if (
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === digest &&
  outputs.every((f) => existsSync(join(dist, f)))
)
  process.exit(0);

const { build } = await import('rolldown');
const tmp = join(dist, `.tmp-${process.pid}`);
const alias = { '@im/protocol': join(protocolSrc, 'index.ts') };
const common = { input: join(here, 'src', 'index.ts'), resolve: { alias }, logLevel: 'warn' };
await build({
  ...common,
  platform: 'neutral',
  external: ['socket.io-client'],
  output: { file: join(tmp, 'esm', 'index.mjs'), format: 'esm', sourcemap: true },
});
await build({
  ...common,
  platform: 'node',
  external: ['socket.io-client'],
  output: { file: join(tmp, 'cjs', 'index.cjs'), format: 'cjs', sourcemap: true },
});
await build({
  ...common,
  platform: 'browser',
  output: { file: join(tmp, 'browser', 'index.mjs'), format: 'esm', sourcemap: true, minify: true },
});
const browser = readFileSync(join(tmp, 'browser', 'index.mjs'), 'utf8');
const nodeImport =
  /\brequire\(|from\s*["']node:|import\(["']node:|from\s*["'](?:fs|net|tls|http|https|crypto|ws|events)["']/.exec(
    browser,
  );
if (nodeImport) throw new Error(`the browser build imports Node-only code: ${nodeImport[0]}`);

// The API reference (TypeDoc, HTML): dist/api/index.html.
const typedoc = await import('typedoc');
const app = await typedoc.Application.bootstrapWithPlugins({
  entryPoints: [join(here, 'src', 'index.ts')],
  tsconfig: join(here, 'tsconfig.json'),
  readme: join(here, 'README.md'),
  name: '@im-cluster/client',
  logLevel: 'Warn',
  treatWarningsAsErrors: true,
  // No links to the sources: they would need a git remote, which a fresh clone or a tarball lacks.
  disableSources: true,
  disableGit: true,
});
const project = await app.convert();
if (!project) throw new Error('TypeDoc could not convert the client sources');
await app.generateDocs(project, join(tmp, 'api'));

for (const dir of ['esm', 'cjs', 'browser', 'api']) {
  const old = join(dist, `.old-${dir}-${process.pid}`);
  if (existsSync(join(dist, dir))) renameSync(join(dist, dir), old);
  renameSync(join(tmp, dir), join(dist, dir));
  rmSync(old, { recursive: true, force: true });
}
rmSync(tmp, { recursive: true, force: true });
writeFileSync(stampFile, digest);
