import { utf8ByteLength } from './utf8-length';

describe('utf8ByteLength', () => {
  it.each(['', 'abc', 'é', '汉字', '😀', 'a😀é汉', '\ud800', '\udc00x'])('agrees with Buffer for %p', (text) => {
    expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
  it('stops counting past the limit', () => expect(utf8ByteLength('汉'.repeat(100), 10)).toBeGreaterThan(10));
});
