import { isValidId, normaliseId } from './id.format';

describe('normaliseId', () => {
  it.each([
    ['abc', 'abc'],
    ['A-z_0.9@x', 'A-z_0.9@x'],
    [0, '0'],
    [1001, '1001'],
  ])('accepts %p', (input, expected) => {
    expect(normaliseId(input)).toBe(expected);
  });
  it.each(['', 'a:b', 'a b', 'x'.repeat(129), -1, 1.5, 2 ** 53, NaN, null, {}, { $ne: null }, ['a']])(
    'refuses %p',
    (input) => {
      expect(normaliseId(input)).toBeUndefined();
    },
  );
  it('allows 128 characters', () => expect(isValidId('x'.repeat(128))).toBe(true));
});
