import { toDownlink } from '@im/bus';
import type { BusinessEvent } from '@im/bus';
import type { Clock, Logger } from '@im/common';
import { NoticeWriter } from '@im/realtime';
import type { DeliveryPort, Presence, PushNotifier } from '@im/realtime';
import { groupSendRefusal } from '@im/store';
import type { Store } from '@im/store';

/** What handling an event did: `refused` (with the reason) is dead-lettered by the consumer. */
export type EventOutcome =
  | { readonly ok: true; readonly notified: number; readonly duplicates: number }
  | { readonly ok: false; readonly reason: string };

/** How many users' notices are stored at once during a fan-out. */
const FAN_OUT_CONCURRENCY = 16;

async function inBatches<T>(items: readonly T[], size: number, f: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f));
}

/**
 * Turns validated business events into stored notifications, like the group and friend services'
 * notices: one per user in their system conversation `s:<userId>` (a group event: one in the group
 * conversation `g:<groupId>`), delivered at once to the devices online and synced by the others
 * after type 1. Idempotent by event id: each notice's msgId is `ev-<eventId>`, unique per
 * conversation in the store, so a redelivered or republished event stores nothing new; its
 * stored notice is delivered again (the NoticeWriter's one rule; a device drops a seq it has). An event about a user (`actorId`) skips that user and everyone who
 * blacklisted them.
 */
export class EventService {
  private readonly notices: NoticeWriter;

  constructor(
    private readonly store: Store,
    delivery: DeliveryPort,
    private readonly presence: Presence,
    private readonly logger: Logger,
    private readonly clock: Clock,
    /** Pushes the notices that push to offline devices (im.push.out); absent: no push. */
    push?: PushNotifier,
  ) {
    this.notices = new NoticeWriter(store, delivery, push);
  }

  async handle(event: BusinessEvent): Promise<EventOutcome> {
    const at = event.at ?? this.clock.now();
    const { target } = event;
    if ('group' in target) return this.toGroup(event, target.group, at);
    let users: string[];
    if ('users' in target) users = [...target.users];
    else if ('friendsOf' in target) users = await this.store.relations.friends(target.friendsOf);
    else users = await this.presence.onlineUsers();
    let notified = 0;
    let skipped = 0;
    const actor = event.actorId;
    await inBatches(users, FAN_OUT_CONCURRENCY, async (userId) => {
      // Nobody hears of their own action, nor of the actions of someone they blacklisted.
      if (actor !== undefined && (userId === actor || (await this.store.relations.isBlocked(userId, actor)))) {
        skipped++;
        return;
      }
      const { duplicate } = await this.notices.toUser(userId, toDownlink(event, userId, at));
      if (!duplicate) notified++;
    });
    return this.done(event, notified, users.length - notified - skipped);
  }

  private async toGroup(event: BusinessEvent, groupId: string, at: number): Promise<EventOutcome> {
    const refusal = groupSendRefusal(await this.store.groups.get(groupId), 'server', at);
    if (refusal)
      return {
        ok: false,
        reason: refusal.code === 'IM_ERR_NOT_FOUND' ? `no group ${groupId}` : `group ${groupId}: ${refusal.reason}`,
      };
    const { duplicate, deliveredTo } = await this.notices.toGroup(groupId, toDownlink(event, groupId, at));
    return duplicate ? this.done(event, 0, 1) : this.done(event, deliveredTo, 0);
  }

  private done(event: BusinessEvent, notified: number, duplicates: number): EventOutcome {
    this.logger.info(
      { eventId: event.eventId, messageType: event.messageType, notified, duplicates },
      'business event handled',
    );
    return { ok: true, notified, duplicates };
  }
}
