import { decodeContent, encodeContent, isNativelyStorable } from './message.content-codec';

const roundTrip = (content: unknown): unknown => decodeContent(encodeContent(content));

describe('message content codec', () => {
  it('keeps JSON-like content with nested objects and arrays native', () => {
    const content = { url: 'u', meta: { list: [1, 2.5, { deep: [true, null, 'ü'] }], empty: {}, none: [] } };
    expect(encodeContent(content)).toEqual({ content });
    expect(encodeContent('text')).toEqual({ content: 'text' });
  });

  it.each([
    ['a dotted key', { 'a.b': 1 }],
    ['a dotted key deep down', { a: [{ 'b.c': 1 }] }],
    ['a $ key', { $set: 1 }],
    ['a NUL in a key', { 'a\u0000b': 1 }],
    ['an array in an array', { grid: [[1, 2], [3]] }],
    ['a non-finite number', { n: Number.POSITIVE_INFINITY }],
    ['a Date', { at: new Date(0) }],
  ])('stores content with %s as JSON text, read back as JSON would give it', (_, content) => {
    expect(isNativelyStorable(content)).toBe(false);
    expect(encodeContent(content).contentJson).toBe(JSON.stringify(content));
    expect(roundTrip(content)).toEqual(JSON.parse(JSON.stringify(content)));
  });

  it('leaves absent content absent', () => {
    expect(encodeContent(undefined)).toEqual({});
    expect(roundTrip(undefined)).toBeUndefined();
  });
});
