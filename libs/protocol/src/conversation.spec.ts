import { directConversationId, groupConversationId, parseConversationId } from './conversation';

describe('directConversationId', () => {
  it('gives both sides the same id', () => {
    expect(directConversationId('u2', 'u10')).toBe(directConversationId('u10', 'u2'));
    expect(directConversationId('u2', 'u10')).toBe('p:u10:u2');
  });
});

describe('groupConversationId', () => {
  it('prefixes the group id', () => expect(groupConversationId('g1')).toBe('g:g1'));
});

describe('parseConversationId', () => {
  it('round-trips a direct id', () => {
    expect(parseConversationId(directConversationId('b', 'a'))).toEqual({ kind: 'direct', userIds: ['a', 'b'] });
  });
  it('round-trips a group id', () =>
    expect(parseConversationId(groupConversationId('g-1'))).toEqual({ kind: 'group', groupId: 'g-1' }));
  it.each(['', 'x:a', 'p:a', 'p:a:b:c', 'p:b:a', 'p::a', 'g:', 'g:a:b', 'g:a b'])('refuses %p', (id) => {
    expect(parseConversationId(id)).toBeUndefined();
  });
});
