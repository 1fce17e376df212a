import type { Bus } from '../bus.port';
import { InMemoryBus } from '../in-memory.bus';
import { callCommandKey } from './call.contract';
import { TOPIC_CONTRACTS, TOPIC_MAP, Topics, contractOf } from './topic-map';

/** Compiled by `tsc -p tsconfig.test.json`, never run: each line must fail to type-check. */
export function wrongRecordsDoNotCompile(bus: Bus): void {
  // @ts-expect-error a group command needs userId, commandId and at
  void bus.publish(Topics.GROUP_COMMANDS, 'g', { kind: 'leave', groupId: 'g' });
  // @ts-expect-error im.push.out is a stream: nothing answers a request on it
  void bus.request(Topics.PUSH_OUT, 'u', {} as never);
  // @ts-expect-error not a topic of the system
  void bus.publish('im.nope', 'k', {});
  // @ts-expect-error a dead-letter topic carries DeadLetters
  void bus.publish('im.events.in.dlq', 'k', { eventId: 'e' });
}

describe('topic contracts', () => {
  it('has one contract per topic name, in TOPIC_MAP in the same order', () => {
    const names = TOPIC_CONTRACTS.map((c) => c.topic);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.values(Topics).sort());
    expect(TOPIC_MAP.map((t) => t.topic)).toEqual(names);
  });

  it('keys each command as its topic documents', () => {
    const at = 1;
    expect(
      contractOf(Topics.GROUP_COMMANDS).key({ kind: 'leave', groupId: 'g1', userId: 'u', commandId: 'c', at }),
    ).toBe('g1');
    expect(contractOf(Topics.RELATION_COMMANDS).key({ kind: 'block', userId: 'u1', targetId: 'u2' })).toBe('u1');
    expect(contractOf(Topics.WALLET_COMMANDS).key({ kind: 'transfer-accept', transferId: 't1', userId: 'u', at })).toBe(
      't1',
    );
    expect(contractOf(Topics.WALLET_COMMANDS).key({ kind: 'topup', userId: 'u1', amount: 1, key: 'k', at })).toBe('u1');
    const lost = { kind: 'users-lost', gatewayId: 'gw', userIds: [] } as const;
    expect(contractOf(Topics.CALL_COMMANDS).key(lost)).toBe(callCommandKey(lost));
    expect(contractOf(Topics.CALL_COMMANDS).key(lost)).toBe('gateway:gw');
  });

  it('answers a typed request with the reply its contract names', async () => {
    const bus = new InMemoryBus();
    await bus.subscribe(Topics.RELATION_COMMANDS, 'friend-service', async (r) => ({
      ok: true as const,
      value: { status: r.value.kind === 'friend-request' ? ('pending' as const) : ('friends' as const) },
    }));
    const command = { kind: 'friend-request', userId: 'a', targetId: 'b', message: '', commandId: 'c', at: 1 } as const;
    const reply = await bus.request(Topics.RELATION_COMMANDS, 'a', command);
    expect(reply).toEqual({ ok: true, value: { status: 'pending' } });
    await bus.close();
  });
});
