import { derivedId } from './derived-id';

describe('derivedId', () => {
  it('gives the same 32 hex characters for the same parts, and another id when a part or the split moves', () => {
    const id = derivedId(['alice', 'req-1']);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(derivedId(['alice', 'req-1'])).toBe(id);
    expect(derivedId(['alice', 'req-2'])).not.toBe(id);
    // The parts are kept apart: ["ab", "c"] is not ["a", "bc"].
    expect(derivedId(['ab', 'c'])).not.toBe(derivedId(['a', 'bc']));
  });
});
