import fc from 'fast-check';
import { ErrorCodes } from './error-codes';
import { MAX_CONTENT_DEPTH } from './content.guard';
import { isValidId } from './id.format';
import { parseImMessage } from './im-message.parse';
import { MESSAGE_TYPES, messageTypeSpec } from './message-type.registry';

/**
 * Issue 10 row 12: random and malformed ImMessages. parseImMessage must never throw, answer only
 * registered error codes, and accept only messages that hold the ImMessage invariants.
 */
const CODES: ReadonlySet<number> = new Set(Object.values(ErrorCodes).map((e) => e.code));
const FIELDS = new Set([
  'msgId',
  'fromId',
  'fromType',
  'destId',
  'fromName',
  'imageIconUrl',
  'content',
  'messageType',
  'id',
  'version',
  'devType',
  'geoId',
  'sendTime',
  'receiveTime',
  'status',
]);
const RUNS = { numRuns: 400 };
const UP_TYPES = MESSAGE_TYPES.filter((t) => t.direction !== 'down');

/** A valid uplink message of every type, from the registry's examples. */
const validMessage = fc.constantFrom(...UP_TYPES).map((spec) => ({
  msgId: 'b1946ac9-2c4b-4f1e-9d0e-6f1a2b3c4d5e',
  fromId: 'alice',
  fromType: spec.fromTypes[0],
  destId: 'bob',
  fromName: 'Alice',
  imageIconUrl: '',
  content: spec.example,
  messageType: spec.type,
}));

/** Wire-like garbage: JSON values, odd numbers, strings, binary, functions, symbols, cycles. */
const garbage = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withObjectString: true,
    withBoxedValues: true,
  }),
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    2 ** 53 + 1,
    1e308,
    '1e309',
    '__proto__',
    '{"__proto__":{"polluted":1}}',
    '\u0000',
    '\ud800',
  ),
);

function expectWellFormed(result: ReturnType<typeof parseImMessage>): void {
  if (result.ok) {
    const m = result.message;
    expect(isValidId(m.msgId) && isValidId(m.fromId) && isValidId(m.destId)).toBe(true);
    const spec = messageTypeSpec(m.messageType);
    expect(spec).toBeDefined();
    expect(spec?.direction).not.toBe('down');
    expect(spec?.fromTypes).toContain(m.fromType);
    for (const key of Object.keys(m)) expect(FIELDS.has(key)).toBe(true);
    expect(() => JSON.stringify(m)).not.toThrow();
  } else {
    expect(CODES.has(result.error.code)).toBe(true);
    expect(result.error.reason.length).toBeGreaterThan(0);
  }
}

describe('parseImMessage under fuzzing (fast-check)', () => {
  afterEach(() => {
    // Nothing may have polluted the shared prototypes.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('never throws on arbitrary input and answers a registered error code', () => {
    fc.assert(
      fc.property(garbage, (input) => expectWellFormed(parseImMessage(input))),
      { numRuns: 1000 },
    );
  });

  it('never throws on a valid message with any field replaced by garbage, or extra fields added', () => {
    const field = fc.constantFrom(...FIELDS, 'seq', '__proto__', 'constructor', '$where', 'toString');
    fc.assert(
      fc.property(validMessage, fc.array(fc.tuple(field, garbage), { maxLength: 4 }), (base, edits) => {
        const msg: Record<string, unknown> = { ...base };
        for (const [k, v] of edits)
          Object.defineProperty(msg, k, { value: v, enumerable: true, configurable: true, writable: true });
        const result = parseImMessage(msg);
        expectWellFormed(result);
        if (result.ok) expect(result.message).not.toHaveProperty('seq');
      }),
      RUNS,
    );
  });

  it('accepts every valid example, and a parsed message parses again to itself (also as JSON text)', () => {
    fc.assert(
      fc.property(validMessage, (base) => {
        const first = parseImMessage(base);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        expect(parseImMessage(first.message)).toEqual(first);
        expect(parseImMessage(JSON.stringify(first.message))).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(validMessage, fc.jsonValue(), (base, extra) => {
        const input = { ...base, content: extra, extra };
        const before = JSON.stringify(input);
        parseImMessage(input);
        parseImMessage(before);
        expect(JSON.stringify(input)).toBe(before);
      }),
      RUNS,
    );
  });

  it('refuses broken JSON text with 40001 and text over the size limit with 41301', () => {
    fc.assert(
      fc.property(validMessage, fc.integer({ min: 1, max: 40 }), (base, cut) => {
        const text = JSON.stringify(base);
        const broken = text.slice(0, Math.max(1, text.length - cut));
        expect(parseImMessage(broken)).toMatchObject({ ok: false, error: { code: 40001 } });
        expect(parseImMessage(text, { maxBytes: Buffer.byteLength(text) - 1 })).toMatchObject({
          ok: false,
          error: { code: 41301 },
        });
      }),
      { numRuns: 200 },
    );
  });

  it('survives absurd nesting (deeper than any stack) in content and refuses it', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_CONTENT_DEPTH + 1, max: 20_000 }), fc.boolean(), (depth, asText) => {
        const deep = asText ? `${'['.repeat(depth)}${']'.repeat(depth)}` : undefined;
        let nested: unknown = 1;
        if (!asText) for (let i = 0; i < depth; i++) nested = { a: nested };
        const base = {
          msgId: 'm1',
          fromId: 'alice',
          fromType: 1,
          destId: 'bob',
          fromName: '',
          imageIconUrl: '',
          messageType: 16,
        };
        const input = asText
          ? `{"msgId":"m1","fromId":"alice","fromType":1,"destId":"bob","fromName":"","imageIconUrl":"","messageType":16,"content":${deep}}`
          : { ...base, content: nested };
        const result = parseImMessage(input, { maxBytes: 1 << 20 });
        expect(result.ok).toBe(false);
        expectWellFormed(result);
      }),
      { numRuns: 30 },
    );
  });
});
