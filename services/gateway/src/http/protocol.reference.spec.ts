import { MESSAGE_TYPES, describeContent } from '@im/protocol';
import { protocolReference } from './protocol.reference';

describe('protocolReference', () => {
  const ref = protocolReference();

  it('has every registry type, in order, as plain JSON that survives a round trip', () => {
    expect(ref.types.map((t) => t.type)).toEqual(MESSAGE_TYPES.map((t) => t.type));
    expect(JSON.parse(JSON.stringify(ref))).toEqual(ref);
  });

  it('gives each type the one-line content text of docs/protocol.md and its clientSend', () => {
    for (const spec of MESSAGE_TYPES) {
      const t = ref.types.find((r) => r.type === spec.type);
      expect(t?.contentText).toBe(describeContent(spec.content));
      expect(t?.clientSend).toEqual(spec.clientSend);
    }
  });

  it('gives each type who produces it, who receives it, its business-event rule and its push label', () => {
    for (const spec of MESSAGE_TYPES) {
      const t = ref.types.find((r) => r.type === spec.type);
      expect(t?.producedBy).toEqual(spec.producedBy);
      expect(t?.receivedBy).toBe(spec.receivedBy);
      expect(t?.businessEvent).toEqual(spec.businessEvent);
      expect([t?.pushLabel, t?.pushShowsText]).toEqual([spec.pushLabel, spec.pushShowsText]);
    }
  });

  it('shows a cross-field rule as a note instead of dropping it silently', () => {
    const withRule = MESSAGE_TYPES.filter((t) =>
      JSON.stringify(t.content, (_k, v: unknown) => (typeof v === 'function' ? '__fn__' : v)).includes('__fn__'),
    );
    expect(withRule.length).toBeGreaterThan(0);
    for (const spec of withRule) {
      expect(JSON.stringify(ref.types.find((t) => t.type === spec.type)?.content)).toContain(
        '"refine":"cross-field rule"',
      );
    }
  });
});
