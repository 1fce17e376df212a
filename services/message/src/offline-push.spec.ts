import { MESSAGE_TYPES, MessageType, messageTypeSpec } from '@im/protocol';
import { PUSH_BODY_MAX_CHARS, pushBody } from './offline-push';

describe('pushBody: the preview of an offline push, from the registry', () => {
  it.each(MESSAGE_TYPES.filter((t) => t.unread && !t.pushShowsText).map((t) => [t.type, t] as const))(
    'shows type %i as its registry label, never its content',
    (_type, spec) => {
      expect(pushBody(spec.type, spec.example)).toBe(spec.pushLabel);
      expect(spec.pushLabel).toMatch(/^\[.+\]$/);
    },
  );

  it('shows the text of a text, @ or greeting message, cut, and the label when there is none', () => {
    expect(pushBody(MessageType.TEXT, 'hello   there')).toBe('hello there');
    expect(pushBody(MessageType.MENTION, { text: '@Bob lunch?', aiteId: ['u2'] })).toBe('@Bob lunch?');
    expect(pushBody(MessageType.SHAKE, { text: 'Hi!' })).toBe('Hi!');
    expect(pushBody(MessageType.MENTION, { aiteId: ['u2'] })).toBe(messageTypeSpec(MessageType.MENTION)?.pushLabel);
    expect([...pushBody(MessageType.TEXT, 'x'.repeat(200))]).toHaveLength(PUSH_BODY_MAX_CHARS);
  });

  it('labels likes and tips on a group message as the registry does', () => {
    expect(pushBody(MessageType.GROUP_MESSAGE_LIKE, { msgId: 'm1' })).toBe('[Like]');
    expect(pushBody(MessageType.GROUP_MESSAGE_TIP, { msgId: 'm1', amt: 100 })).toBe('[Tip]');
  });
});
