import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describeConfig } from '@im/common';
import type { ConfigSchema } from '@im/common';
import { EMBEDDED_CONFIG } from '@im/embedded';
import { MESSAGE_TYPES } from '@im/protocol';
import { CLUSTER_CONFIG } from '@im/runtime';

const ROOT = resolve(__dirname, '../..');

/** Every variable any process reads, once, in the order a reader meets them. */
function allVariables(): ConfigSchema {
  return { ...EMBEDDED_CONFIG, ...CLUSTER_CONFIG };
}

describe('README', () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

  it('documents every configuration variable in one table that matches the code', () => {
    const table = readme.split('<!-- config-table:start -->')[1]?.split('<!-- config-table:end -->')[0]?.trim();
    const expected = describeConfig(allVariables());
    if (table !== expected) process.stdout.write(`\nREADME config table is stale; replace it with:\n\n${expected}\n\n`);
    expect(table).toBe(expected);
  });

  it('lists on its "send" row exactly the chat message types the registry lets a client send', () => {
    const row = readme.split('\n').find((line) => line.startsWith('| send |')) ?? '';
    const listed = [...(/types ([\d, ]+) on `chat`/.exec(row)?.[1] ?? '').matchAll(/\d+/g)].map((m) => Number(m[0]));
    const sendable = MESSAGE_TYPES.filter((t) => t.clientSend?.kind === 'conversation' && t.unread).map((t) => t.type);
    expect(listed).toEqual(sendable);
    for (const t of MESSAGE_TYPES) if (t.clientSend?.kind === 'http-only') expect(row).toContain(t.clientSend.route);
  });

  it('names the test command that .ci/run runs', () => {
    const ci = readFileSync(resolve(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^\.\/npmw ci$/m);
    expect(ci).toMatch(/^\.\/npmw test$/m);
    expect(readme).toContain('./npmw install && ./npmw start');
    expect(readme).toMatch(/^\.\/npmw test\s/m);
  });
});

describe('README and docs/architecture.md in step with the directories', () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const dirs = (group: string): string[] =>
    readdirSync(resolve(ROOT, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(resolve(ROOT, group, d.name, 'package.json')))
      .map((d) => `${group}/${d.name}`);
  const packages = [...dirs('libs'), ...dirs('services')];
  /** The services that run as their own cluster process (`services/<name>/src/main.ts`, not embedded). */
  const clusterServices = dirs('services').filter(
    (d) => d !== 'services/embedded' && existsSync(resolve(ROOT, d, 'src', 'main.ts')),
  );

  it('the Layout section has a line for every libs/* and services/* package and console/, and names no missing one', () => {
    const layout = /## Layout\s+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const named = layout
      .split('\n')
      .map((line) => line.split(/\s/)[0] ?? '')
      .filter(Boolean);
    expect(packages.length).toBeGreaterThan(8);
    for (const dir of [...packages, 'console/'])
      expect({ dir, listed: named.includes(dir) }).toEqual({ dir, listed: true });
    for (const name of named.filter((n) => /^(libs|services)\//.test(n)))
      expect({ name, exists: packages.includes(name) }).toEqual({ name, exists: true });
  });

  it('the cluster section names every service process, and so does the processes row of docs/architecture.md', () => {
    const list = /Each process is `node services\/<name>\/dist\/main\.js` \(([^)]*)\)/.exec(readme)?.[1] ?? '';
    const listed = [...list.matchAll(/`([a-z-]+)`/g)].map((m) => `services/${m[1]}`);
    expect(listed.sort()).toEqual([...clusterServices].sort());
    const architecture = readFileSync(resolve(ROOT, 'docs/architecture.md'), 'utf8');
    const row = architecture.split('\n').find((line) => line.startsWith('| processes |')) ?? '';
    for (const dir of clusterServices)
      expect({ dir, inArchitecture: row.includes(`\`${dir}\``) }).toEqual({ dir, inArchitecture: true });
    expect(architecture).not.toMatch(/chatrooms later/);
  });
});

describe('Markdown links', () => {
  it('every relative link in a tracked Markdown file names a file inside the repository, without climbing out of its folder', () => {
    const files = execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files).toContain('README.md');
    const broken: string[] = [];
    for (const file of files) {
      for (const [, target] of readFileSync(resolve(ROOT, file), 'utf8').matchAll(/\]\(([^)\s#]+)[^)]*\)/g)) {
        if (!target || /^[a-z]+:/i.test(target)) continue;
        const path = resolve(ROOT, dirname(file), target);
        // A link that climbs (`../`) depends on where the file is read from; name the repository path in code instead.
        if (target.split('/').includes('..') || relative(ROOT, path).startsWith('..') || !existsSync(path))
          broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
