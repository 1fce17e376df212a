import { MESSAGE_TYPES, parseImMessage } from '@im/protocol';
import { API_ROUTES } from './api';
import { build, builderNameOf } from './builders';
import type { Address } from './builders';
import { messageEventOf } from './message-types';

// The registry (libs/protocol) is the one list of message types: a type added there without a
// builder (when a client may send it) or an event fails here.

const addressFor = (fromTypes: readonly number[], channel: string): Address =>
  channel === 'chatroom' ? { room: 'lobby' } : fromTypes.includes(1) ? { user: 'u1002' } : { group: '123' };

describe('typed builders and events cover the registry', () => {
  const sendable = MESSAGE_TYPES.filter((t) => t.direction !== 'down');

  it.each(sendable.map((t) => [t.type, t.name, t] as const))(
    '%d %s has a builder whose message the server would accept (or an HTTP call)',
    (_type, name, spec) => {
      if (spec.clientSend?.kind === 'http-only') {
        expect(API_ROUTES).toContain(spec.clientSend.route);
        return;
      }
      const builder = (build as Record<string, unknown>)[builderNameOf(name)];
      expect(typeof builder).toBe('function');
      const to = addressFor(spec.fromTypes, spec.channel);
      const draft =
        spec.clientSend?.kind === 'session'
          ? (builder as () => { messageType: number; destId: string; fromType: number; content: unknown })()
          : (
              builder as (
                to: Address,
                content: unknown,
              ) => { messageType: number; destId: string; fromType: number; content: unknown }
            )(to, spec.example);
      expect(draft.messageType).toBe(spec.type);
      const wire = {
        ...draft,
        msgId: 'b1946ac9-2c4b-4f1e-9d0e-6f1a2b3c4d5e',
        fromId: 'u1001',
        fromName: '',
        imageIconUrl: '',
      };
      const parsed = parseImMessage(wire, { direction: 'up' });
      expect(parsed.ok ? 'accepted' : parsed.error).toBe('accepted');
    },
  );

  it('has no builder for a type the registry does not let a client send', () => {
    const names = new Set(sendable.map((t) => builderNameOf(t.name)));
    expect(Object.keys(build).filter((b) => !names.has(b))).toEqual([]);
  });

  it('emits every registry type as its own typed event', () => {
    for (const t of MESSAGE_TYPES) expect(messageEventOf(t.type)).toBe(`message:${t.name}`);
    expect(messageEventOf(69)).toBeUndefined();
  });
});
