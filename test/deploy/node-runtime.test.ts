import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The runtime is pinned once, in .nvmrc; everything else that names a Node version is checked
// against it here, so the pin cannot drift from the image, `engines`, the types or CI.
const ROOT = resolve(__dirname, '../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');
const pinned = read('.nvmrc').trim();
const major = Number(pinned.split('.')[0]);
const rootPackage = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('the pinned Node runtime (.nvmrc)', () => {
  it('is an exact version of an LTS (even-numbered) line', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major % 2).toBe(0);
  });

  it('is a line `engines` allows for this test run (./npmw and .ci/run run the pinned one)', () => {
    process.stdout.write(`tests run on Node ${process.version}, pinned ${pinned}\n`);
    const allowed = [...rootPackage.engines.node.matchAll(/\^(\d+)\.0\.0/g)].map((m) => m[1]);
    expect(allowed).toContain(process.versions.node.split('.')[0]);
  });

  it('is the base image of both Dockerfile stages', () => {
    const dockerfile = read('deploy/Dockerfile');
    expect(dockerfile).toContain(`ARG NODE_VERSION=${pinned}\n`);
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases).toEqual(['node:${NODE_VERSION}-bookworm-slim', 'node:${NODE_VERSION}-bookworm-slim']);
  });

  it('is the first line `engines` allows, with the next LTS line that test:node26 checks, and npm enforces it', () => {
    const lines = [...rootPackage.engines.node.matchAll(/\^(\d+)\.0\.0/g)].map((m) => Number(m[1]));
    const checkedNext = /test-on-node\.sh (\d+)\.\d+\.\d+$/.exec(rootPackage.scripts['test:node26'] ?? '')?.[1];
    expect(lines).toEqual([major, Number(checkedNext)]);
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m);
  });

  it('is the line of @types/node, so the types describe the runtime', () => {
    expect(rootPackage.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${major}\\.`));
  });

  it('is what CI runs on: .ci/run goes through ./npmw, which reads .nvmrc', () => {
    expect(read('.ci/run')).toMatch(/^\.\/npmw ci\n\.\/npmw test\n/m);
    expect(read('npmw')).toContain('pinned="$(tr -d \'[:space:]\' < "$root/.nvmrc")"');
  });
});
