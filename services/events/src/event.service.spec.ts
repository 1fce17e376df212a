import type { BusinessEvent } from '@im/bus';
import { ManualClock, createLogger } from '@im/common';
import { MemoryPresence } from '@im/realtime';
import { serviceUnderTest } from '@im/realtime/testing';
import { EventService } from './event.service';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A business event from the system (fromType 3) at time 5. */
const systemEvent = (event: Omit<BusinessEvent, 'fromType' | 'at'>): BusinessEvent => ({
  ...event,
  fromType: 3,
  at: 5,
});
/** The check-in event (88) of group g1. */
const checkin = (eventId: string): BusinessEvent =>
  systemEvent({ eventId, messageType: 88, fromId: 'checkin', target: { group: 'g1' }, content: '' });

describe(EventService.name, () => {
  const t = serviceUnderTest(['u1', 'u2'], async ({ store, delivery }) => {
    const events = new EventService(store, delivery, new MemoryPresence(), logger, new ManualClock());
    await store.groups.create({ groupId: 'g1', name: 'g', ownerId: 'u1', createdAt: 0 }, [
      { userId: 'u1', role: 'owner' },
      { userId: 'u2', role: 'member' },
    ]);
    return events;
  });

  const seqs = (): [string, string, number | undefined][] =>
    t.got.map(([u, d]) => [
      u,
      d.kind === 'stored' ? d.message.conversationId : d.kind,
      d.kind === 'stored' ? d.message.seq : undefined,
    ]);

  /** Handles `event`, then its redelivery: the first notifies `notified` users, the second is a duplicate. */
  const handleTwice = async (event: BusinessEvent, notified: number): Promise<void> => {
    expect(await t.service.handle(event)).toEqual({ ok: true, notified, duplicates: 0 });
    expect(await t.service.handle(event)).toEqual({ ok: true, notified: 0, duplicates: 1 });
  };

  it('a redelivered user event stores its notice once and delivers it again', async () => {
    const event = systemEvent({
      eventId: 'e1',
      messageType: 68,
      fromId: 'ops',
      target: { users: ['u1'] },
      content: 'maintenance tonight',
    });
    await handleTwice(event, 1);
    expect(seqs()).toEqual([
      ['u1', 's:u1', 1],
      ['u1', 's:u1', 1],
    ]);
    expect(
      (await t.store.messages.range('s:u1', { limit: 10 })).map((m) => [
        m.message.msgId,
        m.message.fromType,
        m.message.sendTime,
      ]),
    ).toEqual([['ev-e1', 3, 5]]);
  });

  it('a redelivered group event stores its notice once in the group and delivers it to the members again', async () => {
    await handleTwice(checkin('e2'), 2);
    expect(seqs()).toEqual([
      ['u1', 'g:g1', 1],
      ['u2', 'g:g1', 1],
      ['u1', 'g:g1', 1],
      ['u2', 'g:g1', 1],
    ]);
    expect(await t.store.conversations.maxSeq('g:g1')).toBe(1);
  });

  it('refuses a group event for a dismissed group, delivering nothing', async () => {
    await t.store.groups.dismiss('g1');
    expect(await t.service.handle(checkin('e3'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/dismissed/),
    });
    expect(t.got).toEqual([]);
  });
});
