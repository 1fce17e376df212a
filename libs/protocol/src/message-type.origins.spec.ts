import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeContent } from './content.describe';
import { MESSAGE_TYPES, businessEventTypes } from './message-type.registry';

const downOnly = MESSAGE_TYPES.filter((spec) => spec.direction === 'down');
const LOOSE = 'object (any fields) | string';

describe('the registry says where each type comes from', () => {
  it.each(downOnly.map((spec) => [spec.type, spec] as const))(
    'names who produces type %i, through what, and who receives it',
    (_type, spec) => {
      expect(spec.producedBy.length).toBeGreaterThan(0);
      for (const p of spec.producedBy) expect(p.via.length).toBeGreaterThan(0);
      expect(spec.receivedBy.length).toBeGreaterThan(0);
    },
  );

  it.each(downOnly.map((spec) => [spec.type, spec] as const))(
    'gives down-only type %i a real content shape',
    (_t, spec) => {
      expect(spec.content.kind).not.toBe('any');
      // Only a business event's content is still open to the publisher; even then the known fields are declared,
      // but for the check-ins (88, 89), of which the original says nothing.
      if (spec.businessEvent === undefined || ![88, 89].includes(spec.type))
        expect(describeContent(spec.content)).not.toBe(LOOSE);
    },
  );

  it('gives a type a client sends the service that handles it', () => {
    for (const spec of MESSAGE_TYPES.filter((t) => t.clientSend !== undefined)) {
      expect(spec.producedBy.length).toBeGreaterThan(0);
      expect(spec.receivedBy.length).toBeGreaterThan(0);
    }
  });

  it('labels every type a push or a conversation list can show', () => {
    for (const spec of MESSAGE_TYPES.filter((t) => t.stored || t.unread)) expect(spec.pushLabel).toMatch(/^\[.+\]$/);
    expect(MESSAGE_TYPES.filter((t) => t.pushShowsText).map((t) => t.type)).toEqual([2, 35, 67]);
  });

  it('lists as business events exactly the types docs/business-events.md documents, made by the events service', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/business-events.md'), 'utf8');
    const listed = /One of ([\d, ]+) \(table below\)/.exec(doc)?.[1]?.split(', ').map(Number);
    expect([...businessEventTypes().keys()]).toEqual(listed);
    for (const spec of MESSAGE_TYPES) {
      expect(spec.producedBy.some((p) => p.service === 'events')).toBe(spec.businessEvent !== undefined);
    }
    const rules = businessEventTypes();
    expect([...rules].filter(([, r]) => r.actor).map(([t]) => t)).toEqual([26, 36, 37, 38, 49, 67]);
    expect([...rules].filter(([, r]) => r.target === 'group').map(([t]) => t)).toEqual([58, 65, 88, 89]);
    expect([...rules].filter(([, r]) => r.target === 'users-or-everyone').map(([t]) => t)).toEqual([68]);
  });
});
