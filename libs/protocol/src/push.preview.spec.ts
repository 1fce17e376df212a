import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { messageTypeSpec } from './message-type.registry';
import { PUSHED_TYPES, isPushed, pushBody, pushPriority } from './push.preview';

describe('push preview', () => {
  it('shows the text of text, @ and greeting messages, cut to 60 characters; a label for the rest, never the content', () => {
    expect(pushBody(2, '  see   you\nat eight ')).toBe('see you at eight');
    const long = pushBody(2, 'x'.repeat(200));
    expect([...long]).toHaveLength(60);
    expect(long.endsWith('…')).toBe(true);
    expect(pushBody(35, { text: '@Bob lunch?', aiteId: ['bob'] })).toBe('@Bob lunch?');
    expect(pushBody(35, { aiteId: ['bob'] })).toBe('[Mention]');
    expect(pushBody(67, 'Hi there!')).toBe('Hi there!');
    expect(pushBody(3, { url: 'https://cdn.example.com/secret.jpg' })).toBe('[Image]');
    expect(pushBody(68, 'Maintenance tonight')).toBe('[System notice]');
    expect(pushBody(162, { callId: 'c1', outcome: 'missed' })).toBe('[Missed call]');
    expect(pushBody(162, { callId: 'c1', outcome: 'cancelled' })).toBe('[Missed call]');
    expect(pushBody(162, { callId: 'c1', outcome: 'completed' })).toBe('[Call]');
  });

  it('pushes no presence, heartbeat, read, recall or kick; rings at high priority', () => {
    for (const type of [5, 6, 15, 31, 32, 33, 8, 36]) expect([type, isPushed(type)]).toEqual([type, false]);
    expect([150, 151, 42, 44].map(pushPriority)).toEqual(['high', 'high', 'high', 'high']);
    expect(pushPriority(2)).toBe('normal');
    for (const { type } of PUSHED_TYPES) expect(messageTypeSpec(type)?.direction).not.toBe('up');
  });

  it('docs/business-events.md lists exactly the pushed types, each with its name', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/business-events.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Who is pushed'), doc.indexOf('### The record'));
    const rows = [...section.matchAll(/^\| (\d+) \| ([A-Z_]+) \| (.+?) \|/gm)].map((m) => ({
      type: Number(m[1]),
      name: m[2] ?? '',
      body: m[3] ?? '',
    }));
    expect(rows.map((r) => r.type)).toEqual(PUSHED_TYPES.map((t) => t.type));
    for (const r of rows) {
      const pushed = PUSHED_TYPES.find((t) => t.type === r.type);
      expect([r.type, r.name]).toEqual([r.type, messageTypeSpec(r.type)?.name]);
      if (pushed && !['TEXT', 'MENTION', 'SHAKE'].includes(r.name))
        expect([r.type, r.body]).toEqual([r.type, expect.stringContaining(`\`${pushed.label}\``)]);
    }
  });
});
