import { MAX_CONTENT_DEPTH } from './content.guard';
import { validateContent } from './content.validate';
import { MessageType as T } from './message-type.constants';
import type { MessageTypeNumber } from './message-type.constants';

function accepted(type: MessageTypeNumber, content: unknown): unknown {
  const result = validateContent(type, content);
  if (!result.ok) throw new Error(`expected content to be accepted: ${result.reason}`);
  return result.value;
}

function refusal(type: MessageTypeNumber, content: unknown): string {
  const result = validateContent(type, content);
  if (result.ok) throw new Error(`expected content to be refused: ${JSON.stringify(result.value)}`);
  return result.reason;
}

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i += 1) value = { next: value };
  return value;
}

const file = { fileName: 'a.pdf', fileSize: '10', fileUrl: 'https://x/a.pdf', fileType: 'pdf', filished: true };

describe('validateContent', () => {
  describe('text, recall and read', () => {
    it('accepts text', () => expect(accepted(T.TEXT, 'hi')).toBe('hi'));
    it('refuses empty text', () => expect(refusal(T.TEXT, '')).toMatch(/empty/));
    it('refuses non-string text', () => expect(refusal(T.TEXT, 5)).toMatch(/expected a string/));
    it('refuses object text', () => expect(refusal(T.TEXT, { a: 1 })).toMatch(/expected a string/));
    it('accepts a msgId to recall', () => expect(accepted(T.RECALL, 'abc-123')).toBe('abc-123'));
    it('normalises a numeric read msgId to a string', () => expect(accepted(T.READ, 42)).toBe('42'));
    it('refuses an operator object as the recalled msgId', () =>
      expect(refusal(T.RECALL, { $ne: null })).toMatch(/\$/));
    it('refuses an empty recall', () => expect(refusal(T.RECALL, '')).toMatch(/expected an id/));
  });

  describe('ready and heartbeat', () => {
    it('treats absent content as an empty string', () => expect(accepted(T.READY, undefined)).toBe(''));
    it('treats null content as an empty string', () => expect(accepted(T.HEARTBEAT, null)).toBe(''));
    it('accepts anything JSON', () => expect(accepted(T.HEARTBEAT, [1, { a: 'b' }])).toEqual([1, { a: 'b' }]));
    it('still refuses $ keys', () => expect(refusal(T.HEARTBEAT, { $where: 'x' })).toMatch(/\$where/));
  });

  describe('image', () => {
    it('accepts a URL string', () => expect(accepted(T.IMAGE, 'https://x/i.png')).toBe('https://x/i.png'));
    it('accepts an object with url', () =>
      expect(accepted(T.IMAGE, { url: 'https://x/i.png', w: 10 })).toEqual({ url: 'https://x/i.png', w: 10 }));
    it('parses a JSON string', () =>
      expect(accepted(T.IMAGE, '{"url":"https://x/i.png"}')).toEqual({ url: 'https://x/i.png' }));
    it('refuses a number', () => expect(refusal(T.IMAGE, 3)).toMatch(/expected/));
    it('refuses an object without url', () =>
      expect(refusal(T.IMAGE, { src: 'x' })).toMatch(/content\.url: is required/));
  });

  describe('URL fields (3, 4, 16, 29, 30): http or https only, at most 2048 characters', () => {
    const badUrl = (type: MessageTypeNumber, content: unknown): string => {
      const result = validateContent(type, content);
      if (result.ok || result.badUrl !== true) throw new Error(`expected a URL refusal: ${JSON.stringify(result)}`);
      return result.reason;
    };
    it.each([
      'javascript:alert(1)',
      'data:text/html,<script>x</script>',
      'file:///etc/passwd',
      'ftp://x/y',
      '//x/i.png',
      '/i.png',
      'i.png',
      'https://x/a b',
    ])('refuses %s as an image', (url) => {
      expect(badUrl(T.IMAGE, url)).toMatch(/content/);
      expect(badUrl(T.IMAGE, { url })).toMatch(/content\.url/);
    });
    it('refuses a URL longer than 2048 characters', () =>
      expect(badUrl(T.IMAGE, `https://x/${'a'.repeat(2048)}`)).toMatch(/longer than 2048/));
    it('accepts a URL of exactly 2048 characters', () => {
      const url = `https://x/${'a'.repeat(2048 - 'https://x/'.length)}`;
      expect(accepted(T.IMAGE, url)).toBe(url);
    });
    it('checks file, voice and short video URLs', () => {
      expect(badUrl(T.FILE, { fileName: 'a', fileSize: '1', fileUrl: 'javascript:x', fileType: 'txt' })).toMatch(
        /fileUrl/,
      );
      expect(badUrl(T.VOICE, { url: 'data:audio/amr;base64,AA', time: 1 })).toMatch(/content\.url/);
      expect(badUrl(T.SHORT_VIDEO, { img: 'https://x/t.jpg', time: 1, video: 'javascript:x' })).toMatch(/video/);
    });
    it('lets a location go without a snapshot URL but refuses a bad one', () => {
      expect(accepted(T.LOCATION, { url: '', addr: 'a', lat: 1, lut: 1 })).toMatchObject({ url: '' });
      expect(badUrl(T.LOCATION, { url: 'javascript:x', addr: 'a', lat: 1, lut: 1 })).toMatch(/content\.url/);
    });
    it('says a non-URL shape problem is a content problem, not a URL one', () => {
      const result = validateContent(T.IMAGE, 3);
      expect(result.ok === false && result.badUrl).toBeUndefined();
    });
  });

  describe('file', () => {
    it('accepts the documented shape', () => expect(accepted(T.FILE, file)).toEqual(file));
    it('defaults filished to false', () => {
      const { filished: _omit, ...rest } = file;
      expect(accepted(T.FILE, rest)).toEqual({ ...rest, filished: false });
    });
    it('normalises a numeric fileSize to a string', () =>
      expect(accepted(T.FILE, { ...file, fileSize: 2048 })).toMatchObject({ fileSize: '2048' }));
    it('parses a JSON string', () => expect(accepted(T.FILE, JSON.stringify(file))).toEqual(file));
    it('accepts a bare URL, as the original allows', () =>
      expect(accepted(T.FILE, 'https://x/a.pdf')).toBe('https://x/a.pdf'));
    it('refuses a missing fileUrl', () => {
      const { fileUrl: _omit, ...rest } = file;
      expect(refusal(T.FILE, rest)).toMatch(/content\.fileUrl: is required/);
    });
    it('refuses a non-boolean filished', () =>
      expect(refusal(T.FILE, { ...file, filished: 'yes' })).toMatch(/filished: expected a boolean/));
    it('refuses an array', () => expect(refusal(T.FILE, [file])).toMatch(/expected/));
  });

  describe('voice', () => {
    it('accepts url and time', () =>
      expect(accepted(T.VOICE, { url: 'https://x/v.amr', time: 2 })).toEqual({ url: 'https://x/v.amr', time: 2 }));
    it('normalises a numeric string time', () =>
      expect(accepted(T.VOICE, { url: 'https://x/v.amr', time: '2.5' })).toEqual({
        url: 'https://x/v.amr',
        time: 2.5,
      }));
    it('refuses a negative time', () =>
      expect(refusal(T.VOICE, { url: 'https://x/v.amr', time: -1 })).toMatch(/at least 0/));
    it('refuses a non-numeric time', () =>
      expect(refusal(T.VOICE, { url: 'https://x/v.amr', time: 'two' })).toMatch(/expected a number/));
    it('refuses a missing time', () =>
      expect(refusal(T.VOICE, { url: 'https://x/v.amr' })).toMatch(/time: is required/));
  });

  describe('red packet', () => {
    it('normalises the numeric redPacketId of the original example', () => {
      expect(accepted(T.RED_PACKET, { redPacketId: 222, msg: '恭喜发财' })).toEqual({
        redPacketId: '222',
        msg: '恭喜发财',
      });
    });
    it('defaults msg to an empty string', () =>
      expect(accepted(T.RED_PACKET, { redPacketId: 'r1' })).toEqual({ redPacketId: 'r1', msg: '' }));
    it('refuses a missing redPacketId', () =>
      expect(refusal(T.RED_PACKET, { msg: 'x' })).toMatch(/redPacketId: is required/));
  });

  describe('location', () => {
    const place = { url: 'https://x/m.png', addr: 'Beijing', lat: 116.4, lut: 39.9 };
    it('accepts the documented shape', () => expect(accepted(T.LOCATION, place)).toEqual(place));
    it('normalises numeric strings', () =>
      expect(accepted(T.LOCATION, { ...place, lat: '116.4', lut: '-39.9' })).toMatchObject({ lat: 116.4, lut: -39.9 }));
    it('refuses lut (latitude, per the original) beyond 90', () =>
      expect(refusal(T.LOCATION, { ...place, lut: 91 })).toMatch(/lut: must be at most 90/));
    it('refuses lat (longitude, per the original) beyond 180', () =>
      expect(refusal(T.LOCATION, { ...place, lat: -181 })).toMatch(/lat: must be at least -180/));
    it('refuses a missing addr', () => {
      const { addr: _omit, ...rest } = place;
      expect(refusal(T.LOCATION, rest)).toMatch(/addr: is required/);
    });
  });

  describe('short video', () => {
    it('accepts img, time and video', () =>
      expect(accepted(T.SHORT_VIDEO, { img: 'https://x/t.jpg', time: '3', video: 'https://x/v.mp4' })).toEqual({
        img: 'https://x/t.jpg',
        time: 3,
        video: 'https://x/v.mp4',
      }));
    it('refuses a missing video', () =>
      expect(refusal(T.SHORT_VIDEO, { img: 'https://x/t.jpg', time: 3 })).toMatch(/video: is required/));
  });

  describe('sticker', () => {
    const sticker = { msgCodes: '[smile]', msgString: 'smile', msgType: '1' };
    it('reads the spelling aiteld as aiteId and normalises ids to strings', () => {
      expect(accepted(T.STICKER, { ...sticker, aiteld: [1001, 'u2'] })).toEqual({ ...sticker, aiteId: ['1001', 'u2'] });
    });
    it('prefers aiteId when both spellings are present', () => {
      expect(accepted(T.STICKER, { ...sticker, aiteId: ['a'], aiteld: ['b'] })).toEqual({ ...sticker, aiteId: ['a'] });
    });
    it('defaults aiteId to an empty list', () =>
      expect(accepted(T.STICKER, sticker)).toEqual({ ...sticker, aiteId: [] }));
    it('accepts a numeric msgType', () =>
      expect(accepted(T.STICKER, { ...sticker, msgType: 2 })).toMatchObject({ msgType: 2 }));
    it('refuses a bad mention id', () =>
      expect(refusal(T.STICKER, { ...sticker, aiteId: [{ $gt: '' }] })).toMatch(/\$gt/));
    it('refuses a non-list aiteId', () =>
      expect(refusal(T.STICKER, { ...sticker, aiteId: 'u1' })).toMatch(/aiteId: expected an array/));
  });

  describe('money', () => {
    it('accepts integer fen', () => expect(accepted(T.PAYMENT_RECEIVED, { amt: 2500 })).toEqual({ amt: 2500 }));
    it('normalises a string of digits', () =>
      expect(accepted(T.PAYMENT_REQUEST, { amt: '1800' })).toEqual({ amt: 1800, msg: '' }));
    it('refuses a float', () => expect(refusal(T.PAYMENT_RECEIVED, { amt: 12.5 })).toMatch(/amt: expected an integer/));
    it('refuses a float string', () =>
      expect(refusal(T.PAYMENT_RECEIVED, { amt: '12.50' })).toMatch(/expected an integer/));
    it('refuses a negative amount', () => expect(refusal(T.PAYMENT_REQUEST, { amt: -1 })).toMatch(/at least 0/));
    it('refuses an unsafe integer', () =>
      expect(refusal(T.PAYMENT_RECEIVED, { amt: 2 ** 60 })).toMatch(/safe integer/));
    it('refuses an exponent string', () =>
      expect(refusal(T.PAYMENT_RECEIVED, { amt: '1e3' })).toMatch(/expected an integer/));
    const aa = { totalAmt: 10000, msg: 'Dinner', amt: 2500, counts: 4 };
    it('accepts an AA collection', () => expect(accepted(T.AA_COLLECTION, aa)).toEqual(aa));
    it('refuses zero people', () =>
      expect(refusal(T.AA_COLLECTION, { ...aa, counts: 0 })).toMatch(/counts: must be at least 1/));
    it('refuses a share larger than the total', () =>
      expect(refusal(T.AA_COLLECTION, { ...aa, amt: 10001 })).toMatch(/totalAmt must be at least amt/));
  });

  describe('call answer', () => {
    it.each([
      [1, 1],
      [0, 0],
      ['1', 1],
    ])('accepts %p', (input, expected) => expect(accepted(T.VOICE_CALL_ANSWER, input)).toBe(expected));
    it('refuses 2', () => expect(refusal(T.VIDEO_CALL_ANSWER, 2)).toMatch(/at most 1/));
  });

  describe('card, @ message and unspecified shapes', () => {
    it('accepts text or an object', () => {
      expect(accepted(T.CARD, 'Carol')).toBe('Carol');
      expect(accepted(T.MENTION, { text: '@Bob' })).toEqual({ text: '@Bob' });
      expect(accepted(T.GROUP_CHECKIN_STARTED, '')).toBe('');
    });
    it('parses an object held in a JSON string', () =>
      expect(accepted(T.CARD, '{"userId":"u3"}')).toEqual({ userId: 'u3' }));
    it('keeps text that only looks like JSON', () => expect(accepted(T.MENTION, '{not json')).toBe('{not json'));
    it('refuses an empty card', () => expect(refusal(T.CARD, '')).toMatch(/empty/));
    it('refuses arrays and numbers', () => {
      expect(refusal(T.CARD, ['a'])).toMatch(/expected/);
      expect(refusal(T.GROUP_RENAMED, 7)).toMatch(/expected/);
    });
  });

  describe('notices (the shapes the services send)', () => {
    it('reads a group notice as its fields', () => {
      expect(accepted(T.GROUP_MEMBER_JOINED, { userId: 'u2', name: 'u2', by: 'u1' })).toEqual({
        userId: 'u2',
        name: 'u2',
        by: 'u1',
      });
      expect(refusal(T.GROUP_MEMBER_JOINED, '')).toMatch(/expected an object/);
      expect(refusal(T.GROUP_INVITED, { by: 'u1' })).toMatch(/groupId/);
    });
    it('takes nothing but "" for the notices that say nothing', () => {
      expect(accepted(T.FRIEND_DELETED, '')).toBe('');
      expect(refusal(T.FRIEND_DELETED, 'x')).toMatch(/longer than 0/);
    });
    it('keeps a business event type open to text or any object, its known fields typed', () => {
      expect(accepted(T.MOMENT_POSTED, 'posted')).toBe('posted');
      expect(accepted(T.MOMENT_POSTED, { momentId: 'm-1', extra: 1 })).toEqual({ momentId: 'm-1', extra: 1 });
      expect(refusal(T.MOMENT_POSTED, { thumb: 'javascript:alert(1)' })).toMatch(/thumb/);
      expect(accepted(T.SYSTEM_NOTICE, { redPacketId: 7, amt: 100 })).toEqual({ redPacketId: '7', amt: 100 });
    });
    it('reads money in fen', () => expect(refusal(T.TRANSFER_RECEIVED, { transferId: 't1', amt: 1.5 })).toMatch(/amt/));
  });

  describe('hardening', () => {
    it('refuses a $ key anywhere', () =>
      expect(refusal(T.IMAGE, { url: 'https://x/v.amr', meta: { list: [{ $set: 1 }] } })).toMatch(
        /content\.meta\.list\[0\].*\$set/,
      ));
    it('refuses a $ key inside a JSON-string content', () =>
      expect(refusal(T.CARD, '{"a":{"$ne":null}}')).toMatch(/\$ne/));
    it('refuses a __proto__ key from JSON', () =>
      expect(refusal(T.CARD, JSON.parse('{"__proto__":{"admin":true}}'))).toMatch(/__proto__/));
    it('refuses a __proto__ key inside a JSON string', () =>
      expect(refusal(T.IMAGE, '{"url":"https://x/i.png","__proto__":{"x":1}}')).toMatch(/__proto__/));
    it('refuses a constructor key', () =>
      expect(refusal(T.CARD, { constructor: { prototype: {} } })).toMatch(/constructor/));
    it(`accepts ${MAX_CONTENT_DEPTH} levels of nesting`, () =>
      expect(validateContent(T.CARD, nested(MAX_CONTENT_DEPTH)).ok).toBe(true));
    it(`refuses ${MAX_CONTENT_DEPTH + 1} levels of nesting`, () =>
      expect(refusal(T.CARD, nested(MAX_CONTENT_DEPTH + 1))).toMatch(/nested deeper/));
    it('refuses deep nesting inside a JSON string', () =>
      expect(refusal(T.CARD, JSON.stringify(nested(50)))).toMatch(/nested deeper/));
    it('refuses non-JSON values', () => {
      expect(refusal(T.CARD, { when: new Date(0) })).toMatch(/plain objects/);
      expect(refusal(T.CARD, { n: Infinity })).toMatch(/finite/);
      expect(refusal(T.CARD, { f: () => 1 })).toMatch(/function/);
    });
    it('does not throw on a hostile object', () => {
      const hostile = new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('boom');
          },
        },
      );
      expect(validateContent(T.CARD, hostile).ok).toBe(false);
    });
    it('keeps unknown fields and never mutates or shares the input', () => {
      const input = { url: 'https://x/v.amr', extra: { deep: [1, 2] } };
      const snapshot = JSON.parse(JSON.stringify(input)) as unknown;
      const value = accepted(T.IMAGE, input) as { extra: { deep: number[] } };
      expect(value).toEqual(input);
      value.extra.deep.push(3);
      expect(input).toEqual(snapshot);
    });
    it('refuses an unknown type number', () =>
      expect(refusal(69 as MessageTypeNumber, 'x')).toMatch(/unknown messageType 69/));
  });
});
