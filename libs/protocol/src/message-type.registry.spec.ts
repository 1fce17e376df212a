import { validateContent } from './content.validate';
import { parseImMessage } from './im-message.parse';
import { FromType, MessageType } from './message-type.constants';
import type { MessageTypeName } from './message-type.constants';
import { MESSAGE_TYPES, messageTypeSpec, typesSentAs } from './message-type.registry';
import type { MessageTypeSpec } from './message-type.registry';

const names = Object.keys(MessageType) as MessageTypeName[];
const sendable = MESSAGE_TYPES.filter((spec) => spec.direction !== 'down');
const downOnly = MESSAGE_TYPES.filter((spec) => spec.direction === 'down');

function messageFor(spec: MessageTypeSpec): Record<string, unknown> {
  return {
    msgId: `m-${spec.type}`,
    fromId: 'u1001',
    fromType: spec.fromTypes[0],
    destId: 'u1002',
    fromName: 'Alice',
    imageIconUrl: '',
    content: spec.example,
    messageType: spec.type,
  };
}

describe('MESSAGE_TYPES', () => {
  it('has exactly one spec per MessageType constant', () => {
    expect(MESSAGE_TYPES).toHaveLength(names.length);
    expect(new Set(MESSAGE_TYPES.map((spec) => spec.name))).toEqual(new Set(names));
  });

  it('is in number order with unique numbers', () => {
    const numbers = MESSAGE_TYPES.map((spec) => spec.type);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
  });

  it.each(names)('maps %s to a spec with the same number and name', (name) => {
    const spec = messageTypeSpec(MessageType[name]);
    expect(spec?.name).toBe(name);
    expect(spec?.type).toBe(MessageType[name]);
  });

  it.each(MESSAGE_TYPES.map((spec) => [spec.name, spec] as const))(
    'accepts the example content of %s',
    (_name, spec) => {
      expect(validateContent(spec.type, spec.example)).toEqual({ ok: true, value: spec.example });
    },
  );

  it.each(MESSAGE_TYPES.map((spec) => [spec.name, spec] as const))(
    'gives %s a non-empty description and fromTypes',
    (_name, spec) => {
      expect(spec.description.length).toBeGreaterThan(0);
      expect(spec.fromTypes.length).toBeGreaterThan(0);
      expect(spec.fromTypes.every((t) => Object.values(FromType).includes(t))).toBe(true);
    },
  );

  it('puts only 100-102 on the chatroom channel', () => {
    const chatroom = MESSAGE_TYPES.filter((spec) => spec.channel === 'chatroom').map((spec) => spec.type);
    expect(chatroom).toEqual([100, 101, 102]);
  });

  it('says what a client message does for every type a client may send, and for no down-only type', () => {
    expect(sendable.filter((spec) => spec.clientSend === undefined).map((spec) => spec.type)).toEqual([]);
    expect(downOnly.filter((spec) => spec.clientSend !== undefined).map((spec) => spec.type)).toEqual([]);
  });

  it('sends on the chatroom event exactly the chatroom channel types', () => {
    expect([...typesSentAs('chatroom')]).toEqual(
      MESSAGE_TYPES.filter((spec) => spec.channel === 'chatroom').map((spec) => spec.type),
    );
  });

  it('refuses 40 on the socket and names the route that makes one; 67 is received, never sent', () => {
    expect(messageTypeSpec(MessageType.AA_COLLECTION)?.clientSend).toEqual({
      kind: 'http-only',
      route: 'POST /v1/collections',
    });
    expect(messageTypeSpec(MessageType.SHAKE)?.direction).toBe('down');
  });

  it('hands the call service 42-45, 150-160, 163-165 and 169, and the gateway 1 and 31', () => {
    const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect([...typesSentAs('call-signal')]).toEqual([...range(42, 45), ...range(150, 160), ...range(163, 165), 169]);
    expect([...typesSentAs('session')]).toEqual([1, 31]);
    expect([...typesSentAs('reaction')]).toEqual([82, 83]);
  });

  it('never counts an unstored type as unread', () => {
    expect(MESSAGE_TYPES.filter((spec) => spec.unread && !spec.stored)).toEqual([]);
  });

  it('is frozen', () => {
    const spec = messageTypeSpec(MessageType.TEXT) as { stored: boolean };
    expect(() => {
      spec.stored = false;
    }).toThrow(TypeError);
    expect(Object.isFrozen(MESSAGE_TYPES)).toBe(true);
  });
});

describe('messageTypeSpec', () => {
  it.each([0, 69, 999, -1, 2.5, NaN])('refuses %p as unknown', (type) => {
    expect(messageTypeSpec(type)).toBeUndefined();
  });
});

describe('parseImMessage over the registry', () => {
  it.each(sendable.map((spec) => [spec.name, spec] as const))(
    'accepts a client %s built from its example',
    (_name, spec) => {
      const result = parseImMessage(messageFor(spec));
      expect(result).toMatchObject({ ok: true, message: { messageType: spec.type, msgId: `m-${spec.type}` } });
    },
  );

  it.each(downOnly.map((spec) => [spec.name, spec] as const))(
    'refuses a client %s as wrong direction',
    (_name, spec) => {
      const result = parseImMessage(messageFor(spec));
      expect(result).toMatchObject({ ok: false, error: { name: 'IM_ERR_WRONG_DIRECTION' }, msgId: `m-${spec.type}` });
    },
  );

  it.each(downOnly.map((spec) => [spec.name, spec] as const))('accepts %s under direction any', (_name, spec) => {
    expect(parseImMessage(messageFor(spec), { direction: 'any' })).toMatchObject({ ok: true });
  });

  it.each([0, 69, 999])('refuses messageType %p as unknown', (type) => {
    const result = parseImMessage(
      { ...messageFor(MESSAGE_TYPES[1] as MessageTypeSpec), messageType: type },
      { direction: 'any' },
    );
    expect(result).toMatchObject({ ok: false, error: { name: 'IM_ERR_UNKNOWN_TYPE' } });
  });

  it.each(MESSAGE_TYPES.map((spec) => [spec.name, spec] as const))(
    'refuses %s from a fromType it does not allow',
    (_name, spec) => {
      const other = Object.values(FromType).find((t) => !spec.fromTypes.includes(t));
      if (other === undefined) return;
      const result = parseImMessage({ ...messageFor(spec), fromType: other }, { direction: 'any' });
      expect(result).toMatchObject({ ok: false, error: { name: 'IM_ERR_BAD_FROM_TYPE' } });
    },
  );
});
