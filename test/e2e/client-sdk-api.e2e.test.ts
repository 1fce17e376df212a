import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { API_ROUTES, ImClientError, build } from '@im-cluster/client';
import { EmbeddedHarness, tokenFor } from '../support/embedded-harness';
import { SdkApp } from '../support/sdk-app';

// The SDK's typed HTTP calls: every route they use is in the server's OpenAPI document, and the
// calls work against the real server (answers typed as the document says, errors as ImClientError).

describe('client SDK: the HTTP API as typed calls', () => {
  let h: EmbeddedHarness;
  const apps: SdkApp[] = [];
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await h?.stop();
  });

  it('uses only routes the OpenAPI document has, with the same method', async () => {
    const doc = (await h.http('GET', '/openapi.json', undefined)).body as { paths: Record<string, object> };
    const missing = API_ROUTES.filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      return !(method.toLowerCase() in (doc.paths[openApiPath] ?? {}));
    });
    expect(missing).toEqual([]);
  });

  it('answers groups, friends, conversations, history and wallet calls as the OpenAPI document says; refusals are ImClientError', async () => {
    // Every answer the typed calls get is checked against the document's schema of that operation and status.
    const doc = (await h.http('GET', '/openapi.json', undefined)).body as { paths: any; components: { schemas: any } };
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    const checked: string[] = [];
    const problems: unknown[] = [];
    const checkingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const method = (init?.method ?? 'GET').toLowerCase();
      const path = new URL(String(input)).pathname;
      const [template, item] =
        Object.entries<any>(doc.paths).find(
          ([t, i]) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path) && i[method],
        ) ?? [];
      const declared = item?.[method]?.responses[String(res.status)] ?? item?.[method]?.responses.default;
      const schema = declared?.content?.['application/json']?.schema;
      const text = await res.clone().text();
      if (!schema) {
        if (text !== '') problems.push([method, path, res.status, 'no JSON answer declared', text]);
      } else {
        const validate = ajv.compile({
          ...JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/')),
          $defs: doc.components.schemas,
        });
        if (!validate(JSON.parse(text))) problems.push([method, path, res.status, validate.errors]);
      }
      checked.push(`${method.toUpperCase()} ${template} ${res.status}`);
      return res;
    };
    const quinn = new SdkApp({ url: h.url, token: tokenFor('api-quinn'), deviceId: 'q', fetch: checkingFetch });
    const rita = new SdkApp({ url: h.url, token: tokenFor('api-rita'), deviceId: 'r', fetch: checkingFetch });
    apps.push(quinn, rita);
    const q = quinn.client.api;
    const r = rita.client.api;
    expect(await q.friends.request('api-rita', 'hi')).toEqual({ status: 'pending' });
    expect((await r.friends.requests()).incoming.map((x) => x.fromId)).toEqual(['api-quinn']);
    expect(await r.friends.accept('api-quinn')).toEqual({ status: 'friends' });
    const notices = await r.history({ system: true, afterSeq: 0 });
    expect(notices.messages.map((m) => [m.messageType, m.fromId])).toContainEqual([11, 'api-quinn']);
    expect(await q.friends.list()).toEqual(['api-rita']);

    const { groupId } = await q.groups.create({ name: 'typed', memberIds: ['api-rita'] });
    expect(await q.groups.get(groupId)).toMatchObject({ groupId, name: 'typed', ownerId: 'api-quinn', role: 'owner' });
    expect((await q.groups.members(groupId)).map((m) => [m.userId, m.role]).sort()).toEqual([
      ['api-quinn', 'owner'],
      ['api-rita', 'member'],
    ]);
    await q.groups.update(groupId, { name: 'typed 2' });
    expect((await r.groups.list()).find((g) => g.groupId === groupId)?.name).toBe('typed 2');

    await quinn.client.send(build.text({ group: groupId }, 'one'));
    const page = await r.history({ groupId, afterSeq: 0 });
    expect(page.messages.filter((m) => m.messageType === 2).map((m) => m.content)).toEqual(['one']);
    const conversation = (await r.conversations.list()).find((c) => c.groupId === groupId);
    expect(conversation).toMatchObject({ kind: 'group', unread: 1, lastMessage: { preview: 'one' } });
    const first = await r.conversations.page({ limit: 1 });
    expect(first).toMatchObject({ hasMore: true, conversations: [expect.objectContaining({ groupId })] });
    expect(await q.wallet.get()).toEqual({ userId: 'api-quinn', balance: 0 });

    const refused = await r.groups.dismiss(groupId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImClientError);
    expect(refused).toMatchObject({ status: 403, errorName: 'IM_ERR_FORBIDDEN' });
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(12);
  });
});

describe('docs/client.md', () => {
  it('its complete app runs against the embedded server (the ESM build): sends, receives, exits', async () => {
    const root = join(__dirname, '..', '..');
    const doc = readFileSync(join(root, 'docs', 'client.md'), 'utf8');
    const code = /## A complete app[\s\S]*?```js\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    expect(code.split('\n').length).toBeLessThan(40);
    // Under the repository, so `@im-cluster/client` resolves to the workspace package's dist/esm.
    const dir = join(root, 'test-artifacts', 'client-example');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'chat.mjs'), code);
    const h = await EmbeddedHarness.start();
    const child = spawn(process.execPath, [join(dir, 'chat.mjs'), h.url, tokenFor('doc-alice')], { stdio: 'pipe' });
    try {
      let out = '';
      const printed = (text: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => out.includes(text) && resolve();
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            check();
          });
          child.on('exit', () => reject(new Error(`the example exited without printing "${text}": ${out}`)));
          check();
        });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const bob = await h.connect('doc-bob');
      await printed('signed in as doc-alice');
      child.stdin.write('doc-bob hello Bob\n');
      await printed('sent ');
      await bob.waitFor(() => bob.received.some((m) => m.content === 'hello Bob'), 20_000, 'hello Bob');
      await bob.send(bob.message('doc-alice', 'hi Alice'));
      await printed('doc-bob → doc-alice #2: hi Alice');
      child.stdin.end();
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
    } finally {
      child.kill();
      await h.stop();
    }
  });
});
