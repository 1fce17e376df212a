import { DEFAULT_MAX_MESSAGE_BYTES, parseImMessage } from './im-message.parse';
import type { ParseResult } from './im-message.parse';
import { MessageType } from './message-type.constants';

const base = {
  msgId: 'b1946ac9-2c4b-4f1e-9d0e-6f1a2b3c4d5e',
  fromId: 'u1001',
  fromType: 1,
  destId: 'u1002',
  fromName: 'Alice',
  imageIconUrl: 'https://cdn.example.com/a.png',
  content: 'hello',
  messageType: MessageType.TEXT,
};

function errorOf(result: ParseResult): string {
  if (result.ok) throw new Error('expected the message to be refused');
  return `${result.error.name}: ${result.error.reason}`;
}

function messageOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected the message to be accepted: ${result.error.reason}`);
  return result.message;
}

/** A JSON text of exactly `bytes` UTF-8 bytes: text content of `pad` characters topped up with 'a'. */
function textOfBytes(bytes: number, pad = 'a'): string {
  const room = bytes - Buffer.byteLength(JSON.stringify({ ...base, content: '' }));
  const padBytes = Buffer.byteLength(pad);
  const count = Math.floor(room / padBytes);
  const text = JSON.stringify({ ...base, content: pad.repeat(count) + 'a'.repeat(room - count * padBytes) });
  expect(Buffer.byteLength(text)).toBe(bytes);
  return text;
}

describe('parseImMessage', () => {
  describe('payload', () => {
    it('accepts an object', () => expect(messageOf(parseImMessage(base))).toEqual(base));
    it('accepts a string holding JSON', () => expect(messageOf(parseImMessage(JSON.stringify(base)))).toEqual(base));
    it('refuses a string that is not JSON', () =>
      expect(errorOf(parseImMessage('{"msgId":'))).toMatch(/^IM_ERR_BAD_JSON/));
    it.each([
      ['[]', '[]'],
      ['null', 'null'],
      ['number', '42'],
      ['string', '"x"'],
    ])('refuses JSON %s as not an object', (_n, text) => {
      expect(errorOf(parseImMessage(text))).toMatch(/^IM_ERR_NOT_OBJECT/);
    });
    it.each([[[base]], [null], [undefined], [42], [true]])('refuses %p as not an object', (input) => {
      expect(errorOf(parseImMessage(input))).toMatch(/^IM_ERR_NOT_OBJECT/);
    });
    it('refuses an object that cannot be serialised', () => {
      const cyclic: Record<string, unknown> = { ...base };
      cyclic['self'] = cyclic;
      expect(errorOf(parseImMessage(cyclic))).toMatch(/^IM_ERR_BAD_JSON/);
      expect(errorOf(parseImMessage({ ...base, big: 10n }))).toMatch(/^IM_ERR_BAD_JSON/);
    });
  });

  describe('size limit', () => {
    it('accepts a payload of exactly the limit', () => {
      expect(parseImMessage(textOfBytes(DEFAULT_MAX_MESSAGE_BYTES)).ok).toBe(true);
    });
    it('refuses a payload one byte over the limit', () => {
      expect(errorOf(parseImMessage(textOfBytes(DEFAULT_MAX_MESSAGE_BYTES + 1)))).toMatch(/^IM_ERR_TOO_LARGE/);
    });
    it.each(['é', '汉', '😀'])('counts bytes, not characters, of %s', (pad) => {
      const limit = 1000;
      expect(parseImMessage(textOfBytes(limit, pad), { maxBytes: limit }).ok).toBe(true);
      const over = textOfBytes(limit + 1, pad);
      expect(over.length).toBeLessThan(limit);
      expect(errorOf(parseImMessage(over, { maxBytes: limit }))).toMatch(/^IM_ERR_TOO_LARGE/);
      expect(errorOf(parseImMessage(JSON.parse(over), { maxBytes: limit }))).toMatch(/^IM_ERR_TOO_LARGE/);
    });
    it('measures an object by its JSON text', () => {
      const object = JSON.parse(textOfBytes(DEFAULT_MAX_MESSAGE_BYTES + 1)) as unknown;
      expect(errorOf(parseImMessage(object))).toMatch(/^IM_ERR_TOO_LARGE/);
    });
    it('refuses a huge string before parsing it', () => {
      const parse = jest.spyOn(JSON, 'parse');
      try {
        expect(errorOf(parseImMessage(`{"x":"${'a'.repeat(10_000_000)}"}`))).toMatch(/^IM_ERR_TOO_LARGE/);
        expect(parse).not.toHaveBeenCalled();
      } finally {
        parse.mockRestore();
      }
    });
  });

  describe('required fields', () => {
    it.each(['msgId', 'fromId', 'fromType', 'destId', 'fromName', 'imageIconUrl', 'content', 'messageType'])(
      'refuses a message without %s',
      (field) => {
        const { [field]: _omit, ...rest } = base as Record<string, unknown>;
        expect(errorOf(parseImMessage(rest))).toMatch(new RegExp(`^IM_ERR_INVALID_FIELD: ${field} is required`));
      },
    );
    it('names the msgId in a refusal once it could be read', () => {
      expect(parseImMessage({ ...base, destId: [] })).toMatchObject({ ok: false, msgId: base.msgId });
    });
    it('leaves msgId out when it could not be read', () => {
      expect(parseImMessage({ ...base, msgId: 'bad id' })).not.toHaveProperty('msgId');
    });
    it.each(['msgId', 'fromId', 'destId'])('refuses an operator object {"$ne": null} as %s', (field) => {
      expect(errorOf(parseImMessage({ ...base, [field]: { $ne: null } }))).toMatch(
        new RegExp(`^IM_ERR_INVALID_FIELD: ${field} must be an id`),
      );
    });
    it.each(['', 'a b', 'a:b', 'x'.repeat(129), -1, 1.5, true])('refuses %p as an id', (id) => {
      expect(errorOf(parseImMessage({ ...base, fromId: id }))).toMatch(/^IM_ERR_INVALID_FIELD: fromId/);
    });
    it('normalises numeric ids to strings', () => {
      const message = messageOf(parseImMessage({ ...base, msgId: 7, fromId: 1001, destId: 0, id: 99 }));
      expect(message).toMatchObject({ msgId: '7', fromId: '1001', destId: '0', id: '99' });
    });
    it('accepts empty fromName and imageIconUrl', () => {
      expect(messageOf(parseImMessage({ ...base, fromName: '', imageIconUrl: '' }))).toMatchObject({
        fromName: '',
        imageIconUrl: '',
      });
    });
    it('refuses a fromName over 128 characters', () => {
      expect(errorOf(parseImMessage({ ...base, fromName: 'n'.repeat(129) }))).toMatch(
        /^IM_ERR_INVALID_FIELD: fromName/,
      );
    });
    it('refuses an imageIconUrl over 2048 characters', () => {
      expect(errorOf(parseImMessage({ ...base, imageIconUrl: `https://cdn.example.com/${'u'.repeat(2049)}` }))).toMatch(
        /^IM_ERR_BAD_URL: imageIconUrl longer than 2048/,
      );
    });
    it.each([
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'file:///etc/passwd',
      '/relative/a.png',
      'a.png',
      'https://a b/c',
    ])('refuses the imageIconUrl %s', (imageIconUrl) => {
      expect(errorOf(parseImMessage({ ...base, imageIconUrl }))).toMatch(/^IM_ERR_BAD_URL: imageIconUrl/);
    });
    it('accepts an http or https imageIconUrl', () => {
      expect(messageOf(parseImMessage({ ...base, imageIconUrl: 'http://cdn.example.com/a.png' })).imageIconUrl).toBe(
        'http://cdn.example.com/a.png',
      );
    });
    it('refuses a non-string fromName', () =>
      expect(errorOf(parseImMessage({ ...base, fromName: 5 }))).toMatch(/fromName must be a string/));
  });

  describe('messageType and fromType', () => {
    it('accepts a numeric string messageType', () =>
      expect(messageOf(parseImMessage({ ...base, messageType: '2' })).messageType).toBe(2));
    it('refuses a non-integer messageType', () =>
      expect(errorOf(parseImMessage({ ...base, messageType: 2.5 }))).toMatch(/^IM_ERR_INVALID_FIELD/));
    it('refuses reserved type 69', () =>
      expect(errorOf(parseImMessage({ ...base, messageType: 69 }))).toMatch(/^IM_ERR_UNKNOWN_TYPE/));
    it('refuses a down-only type from a client', () => {
      expect(errorOf(parseImMessage({ ...base, messageType: MessageType.FRIEND_ONLINE, fromType: 1 }))).toMatch(
        /^IM_ERR_WRONG_DIRECTION/,
      );
    });
    it('accepts a numeric string fromType', () =>
      expect(messageOf(parseImMessage({ ...base, fromType: '2' })).fromType).toBe(2));
    it.each([0, 6, 1.5, 'one', {}])('refuses fromType %p', (fromType) => {
      expect(errorOf(parseImMessage({ ...base, fromType }))).toMatch(/^IM_ERR_BAD_FROM_TYPE/);
    });
    it('refuses a fromType the type does not allow', () => {
      expect(errorOf(parseImMessage({ ...base, fromType: 3 }))).toMatch(
        /^IM_ERR_BAD_FROM_TYPE: fromType 3 is not allowed/,
      );
    });
  });

  describe('content', () => {
    it('refuses content of the wrong shape with the reason', () => {
      expect(errorOf(parseImMessage({ ...base, content: { text: 'hi' } }))).toMatch(
        /^IM_ERR_BAD_CONTENT: content: expected a string/,
      );
    });
    it('normalises content held in a JSON string', () => {
      const message = messageOf(
        parseImMessage({ ...base, messageType: MessageType.VOICE, content: '{"url":"https://x/v.amr","time":"3"}' }),
      );
      expect(message.content).toEqual({ url: 'https://x/v.amr', time: 3 });
    });
    it('refuses $ keys in content', () => {
      expect(
        errorOf(parseImMessage({ ...base, messageType: MessageType.CARD, content: { name: { $gt: '' } } })),
      ).toMatch(/^IM_ERR_BAD_CONTENT.*\$gt/);
    });
    it('refuses __proto__ keys in content sent as JSON text', () => {
      const text = JSON.stringify({ ...base, messageType: MessageType.CARD, content: { a: 1 } }).replace(
        '"a":1',
        '"__proto__":{"admin":true}',
      );
      expect(errorOf(parseImMessage(text))).toMatch(/^IM_ERR_BAD_CONTENT.*__proto__/);
    });
    it('refuses deeply nested content', () => {
      let content: unknown = 'x';
      for (let i = 0; i < 20; i += 1) content = { c: content };
      expect(errorOf(parseImMessage({ ...base, messageType: MessageType.CARD, content }))).toMatch(
        /^IM_ERR_BAD_CONTENT.*nested/,
      );
    });
    it('treats absent heartbeat content as an empty string', () => {
      const { content: _omit, ...rest } = base;
      expect(messageOf(parseImMessage({ ...rest, messageType: MessageType.HEARTBEAT })).content).toBe('');
    });
    it('refuses money floats and negatives', () => {
      const aa = { totalAmt: 100, amt: 10, counts: 2, msg: '' };
      const send = (content: unknown) => parseImMessage({ ...base, messageType: MessageType.AA_COLLECTION, content });
      expect(send(aa).ok).toBe(true);
      expect(errorOf(send({ ...aa, amt: 10.5 }))).toMatch(/^IM_ERR_BAD_CONTENT/);
      expect(errorOf(send({ ...aa, totalAmt: -100 }))).toMatch(/^IM_ERR_BAD_CONTENT/);
    });
  });

  describe('optional fields', () => {
    it('reads the spelling geold as geoId', () =>
      expect(messageOf(parseImMessage({ ...base, geold: '39.9,116.4' })).geoId).toBe('39.9,116.4'));
    it('prefers geoId over geold', () =>
      expect(messageOf(parseImMessage({ ...base, geoId: 'a', geold: 'b' })).geoId).toBe('a'));
    it('normalises numeric strings in numeric fields', () => {
      const message = messageOf(
        parseImMessage({ ...base, version: '2', devType: 1, sendTime: '1700000000000', receiveTime: 1, status: 0 }),
      );
      expect(message).toMatchObject({ version: 2, devType: 1, sendTime: 1700000000000, receiveTime: 1, status: 0 });
    });
    it.each(['version', 'devType', 'sendTime', 'receiveTime', 'status'])('refuses a non-numeric %s', (field) => {
      expect(errorOf(parseImMessage({ ...base, [field]: 'soon' }))).toMatch(
        new RegExp(`^IM_ERR_INVALID_FIELD: ${field}`),
      );
    });
    it('treats null optional fields as absent', () => {
      expect(messageOf(parseImMessage({ ...base, id: null, version: null, geoId: null }))).toEqual(base);
    });
    it('refuses an operator object as id', () =>
      expect(errorOf(parseImMessage({ ...base, id: { $ne: null } }))).toMatch(/^IM_ERR_INVALID_FIELD: id/));
    it('drops unknown top-level fields and a client seq', () => {
      expect(messageOf(parseImMessage({ ...base, seq: 5, admin: true, $where: '1' }))).toEqual(base);
    });
  });

  it('never mutates its input', () => {
    const input = {
      ...base,
      messageType: '34',
      fromId: 1001,
      content: { msgCodes: 'c', msgString: 's', msgType: 1, aiteld: [1] },
      geold: 'g',
    };
    const snapshot = JSON.parse(JSON.stringify(input)) as unknown;
    const message = messageOf(parseImMessage(input));
    expect(message.content).toEqual({ msgCodes: 'c', msgString: 's', msgType: 1, aiteId: ['1'] });
    expect(input).toEqual(snapshot);
  });
});
