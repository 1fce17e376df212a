import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MESSAGE_TYPES, protocolMarkdown } from '@im/protocol';
import { EmbeddedHarness } from '../support/embedded-harness';

const ROOT = resolve(__dirname, '../..');

describe('docs/protocol.md', () => {
  const committed = readFileSync(resolve(ROOT, 'docs/protocol.md'), 'utf8');

  it('is what the registry generates (run `npm run docs:protocol` after changing libs/protocol)', () => {
    const expected = protocolMarkdown();
    if (committed !== expected)
      process.stdout.write('\ndocs/protocol.md is stale: run `./npmw run docs:protocol` and commit the result\n');
    expect(committed).toBe(expected);
  });

  it('has a section for every type, with its direction, channel, client send, content and example', () => {
    for (const t of MESSAGE_TYPES) {
      const part = committed.split(`\n### ${t.type} ${t.name}\n`)[1]?.split('\n### ')[0] ?? '';
      expect({ type: t.type, found: part !== '' }).toEqual({ type: t.type, found: true });
      for (const row of [
        '| direction |',
        '| channel |',
        '| a client send does |',
        '| produced by |',
        '| received by |',
        '| push / preview label |',
        '| content |',
        'Example content:',
      ])
        expect({ type: t.type, row, found: part.includes(row) }).toEqual({ type: t.type, row, found: true });
      expect(part).toContain(`\`${t.channel}\``);
      expect(part).toContain(JSON.stringify(t.example, null, 2));
      for (const p of t.producedBy) expect(part).toContain(`the ${p.service} service`);
      expect(part).toContain(`| received by | ${t.receivedBy.replace(/\|/g, '\\|')} |`);
    }
  });

  it('has produced by, received by and push label columns in the table of all types', () => {
    expect(committed).toContain(
      '| type | name | direction | channel | a client send | produced by | received by | push label |',
    );
  });

  it('is linked from README and docs/protocol-notes.md', () => {
    expect(readFileSync(resolve(ROOT, 'README.md'), 'utf8')).toContain('](docs/protocol.md)');
    expect(readFileSync(resolve(ROOT, 'docs/protocol-notes.md'), 'utf8')).toContain('](protocol.md)');
  });
});

describe('docs/protocol.md examples against the real server (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());

  it('every chat type a client sends into a conversation: the example is accepted and delivered as shown', async () => {
    const sender = await h.connect('pd-alice');
    const receiver = await h.connect('pd-bob');
    await Promise.all([sender.sendReady(), receiver.sendReady()]);
    const types = MESSAGE_TYPES.filter((t) => t.clientSend?.kind === 'conversation' && t.unread);
    expect(types.length).toBeGreaterThan(5);
    for (const t of types) {
      const message = sender.message('pd-bob', t.example, { messageType: t.type });
      const ack = await sender.send(message);
      expect({ type: t.type, code: ack.code }).toEqual({ type: t.type, code: 0 });
      await receiver.waitFor(() => receiver.received.some((m) => m.msgId === message.msgId), 10_000, `type ${t.type}`);
      const delivered = receiver.received.find((m) => m.msgId === message.msgId);
      expect({ type: t.type, content: delivered?.content }).toEqual({ type: t.type, content: t.example });
    }
  });
});
