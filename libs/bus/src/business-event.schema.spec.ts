import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBusinessEvent, toDownlink } from './business-event.schema';

const base = { eventId: 'e-1', messageType: 68, fromType: 3, fromId: 'ops', target: { users: ['u1'] }, content: 'hi' };
const reasonOf = (value: unknown, maxUsers = 1000): string => {
  const r = readBusinessEvent(value, maxUsers);
  return r.ok ? 'ok' : r.reason;
};

/** The `json` blocks of the "Examples" section of docs/business-events.md. */
function docExamples(): unknown[] {
  const doc = readFileSync(resolve(__dirname, '../../../docs/business-events.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Examples'), doc.indexOf('### What the clients receive'));
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '') as unknown);
}

describe('business event schema', () => {
  it('accepts every example of the docs, one per kind', () => {
    const examples = docExamples();
    expect(examples.map((e) => (e as { messageType: number }).messageType).sort((a, b) => a - b)).toEqual([
      26, 36, 37, 38, 39, 41, 49, 58, 65, 67, 68, 68, 70, 88, 89,
    ]);
    for (const e of examples) expect({ e, reason: reasonOf(e) }).toEqual({ e, reason: 'ok' });
  });

  it.each([
    ['not an object', 'hello', /must be a JSON object/],
    ['an array', [base], /must be a JSON object/],
    ['an unknown field', { ...base, token: 'x' }, /unknown field\(s\): token/],
    ['no eventId', { ...base, eventId: undefined }, /eventId is required/],
    ['a bad eventId', { ...base, eventId: 'a b' }, /eventId must be an id/],
    ['a too long eventId', { ...base, eventId: 'x'.repeat(101) }, /at most 100/],
    ['a chat type', { ...base, messageType: 2 }, /messageType must be one of/],
    ['a string messageType', { ...base, messageType: '68' }, /messageType must be one of/],
    ['fromType 1', { ...base, fromType: 1 }, /fromType must be 3/],
    ['fromType 5 for a system notice', { ...base, fromType: 5 }, /fromType 5 is not allowed for messageType 68/],
    [
      'fromType 3 for an official account message',
      { ...base, messageType: 70 },
      /fromType 3 is not allowed for messageType 70/,
    ],
    [
      'a moment without actorId',
      { ...base, messageType: 36, fromType: 4, target: { friendsOf: 'u1' } },
      /actorId is required for messageType 36/,
    ],
    ['actorId on a system notice', { ...base, actorId: 'u2' }, /actorId is not allowed for messageType 68/],
    ['no target', { ...base, target: undefined }, /target must be an object/],
    ['two targets', { ...base, target: { users: ['u1'], group: 'g1' } }, /exactly one of/],
    ['an unknown target', { ...base, target: { everyone: true } }, /exactly one of/],
    ['an empty user list', { ...base, target: { users: [] } }, /1 to 1000/],
    ['a bad user id', { ...base, target: { users: ['ok', 'not ok'] } }, /user ids only/],
    ['a check-in to users', { ...base, messageType: 88, target: { users: ['u1'] } }, /88 needs target.group/],
    [
      'a notice to a group',
      { ...base, target: { group: 'g1' } },
      /target.group is only for messageTypes 58, 65, 88, 89/,
    ],
    [
      'allOnline for an official account',
      { ...base, messageType: 70, fromType: 5, target: { allOnline: true } },
      /allOnline is only for messageType 68/,
    ],
    ['allOnline false', { ...base, target: { allOnline: false } }, /allOnline must be true/],
    ['no content', { ...base, content: undefined }, /content is required/],
    ['a number as content', { ...base, content: 5 }, /content|string|object/],
    ['a fractional amount', { ...base, messageType: 39, fromType: 4, content: { amt: 2.5 } }, /amt/],
    ['a negative amount', { ...base, messageType: 41, fromType: 4, content: { amt: -1 } }, /amt/],
    ['a bad time', { ...base, at: '2026-01-01' }, /at must be a time in ms/],
    ['a too long fromName', { ...base, fromName: 'n'.repeat(129) }, /fromName must be a string of at most 128/],
  ])('refuses %s', (_label, value, reason) => {
    expect(reasonOf(value)).toMatch(reason);
  });

  it('limits target.users to maxUsers and counts a repeated user once', () => {
    expect(reasonOf({ ...base, target: { users: ['a', 'b', 'c'] } }, 2)).toMatch(/1 to 2 user ids/);
    const r = readBusinessEvent({ ...base, target: { users: ['a', 'b', 'a'] } }, 3);
    expect(r.ok && r.event.target).toEqual({ users: ['a', 'b'] });
  });

  it('normalises content given as a JSON string of an object', () => {
    const r = readBusinessEvent({ ...base, messageType: 39, fromType: 4, content: '{"amt":100}' }, 10);
    expect(r.ok && r.event.content).toEqual({ amt: 100 });
  });

  it('makes the notification come from the actor (fromType 1) when there is one, else from the publisher', () => {
    const moment = readBusinessEvent(
      {
        eventId: 'm',
        messageType: 36,
        fromType: 4,
        fromId: 'moments',
        actorId: 'alice',
        target: { friendsOf: 'alice' },
        content: { momentId: 'm-1' },
      },
      10,
    );
    if (!moment.ok) throw new Error(moment.reason);
    expect(toDownlink(moment.event, 'bob', 5)).toEqual({
      msgId: 'ev-m',
      messageType: 36,
      fromType: 1,
      fromId: 'alice',
      destId: 'bob',
      fromName: '',
      imageIconUrl: '',
      content: { momentId: 'm-1' },
      sendTime: 5,
    });
    const notice = readBusinessEvent({ ...base, fromName: 'Ops' }, 10);
    if (!notice.ok) throw new Error(notice.reason);
    expect(toDownlink(notice.event, 'u1', 7)).toMatchObject({
      msgId: 'ev-e-1',
      fromType: 3,
      fromId: 'ops',
      fromName: 'Ops',
      destId: 'u1',
    });
  });
});
