import { FromType, MessageType } from './message-type.constants';
import { fromTypeName, serverMessage } from './server-message';

describe(serverMessage.name, () => {
  it('builds the wire message from the sender by fromType name, at the given time', () => {
    const m = serverMessage({
      msgId: 'n7-c1-bob',
      messageType: MessageType.FRIEND_DELETED,
      from: { id: 'alice', type: 'PERSON' },
      destId: 'bob',
      content: '',
      at: 1234,
    });
    expect(m).toEqual({
      msgId: 'n7-c1-bob',
      messageType: 7,
      fromId: 'alice',
      fromType: FromType.PERSON,
      destId: 'bob',
      fromName: '',
      imageIconUrl: '',
      content: '',
      sendTime: 1234,
    });
  });

  it('fills the name and icon the caller knows', () => {
    const m = serverMessage({
      msgId: 'x',
      messageType: MessageType.GROUP_DISMISSED,
      from: { id: 'g1', type: 'GROUP', name: 'Friends', iconUrl: 'https://img.example/g1.png' },
      destId: 'g1',
      content: {},
      at: 1,
    });
    expect(m).toMatchObject({ fromType: 2, fromName: 'Friends', imageIconUrl: 'https://img.example/g1.png' });
  });

  it('cuts the msgId to the 128 characters the protocol allows', () => {
    const m = serverMessage({
      msgId: `66-${'m'.repeat(128)}`,
      messageType: MessageType.BLACKLISTED,
      from: { id: 'b', type: 'SYSTEM' },
      destId: 'a',
      content: 'm',
      at: 1,
    });
    expect(m.msgId).toHaveLength(128);
    expect(m.msgId.startsWith('66-m')).toBe(true);
    expect(m.fromType).toBe(3);
  });

  it('names every fromType number', () => {
    expect(Object.values(FromType).map(fromTypeName)).toEqual(Object.keys(FromType));
  });
});
