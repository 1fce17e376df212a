import { toDownlink } from '@im/bus';
import type { BusinessEvent } from '@im/bus';
import type { Clock, Logger } from '@im/common';
import { groupConversationId, systemConversationId } from '@im/protocol';
import type { DeliveryPort, Presence } from '@im/realtime';
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
 * conversation in the store, so a redelivered or republished event stores nothing new and
 * notifies nobody again. An event about a user (`actorId`) skips that user and everyone who
 * blacklisted them.
 */
export class EventService {
  constructor(
    private readonly store: Store,
    private readonly delivery: DeliveryPort,
    private readonly presence: Presence,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

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
      const { stored, duplicate } = await this.store.messages.append({ conversationId: systemConversationId(userId), message: toDownlink(event, userId, at) });
      if (duplicate) return;
      await this.delivery.send([userId], { kind: 'stored', message: stored });
      notified++;
    });
    return this.done(event, notified, users.length - notified - skipped);
  }

  private async toGroup(event: BusinessEvent, groupId: string, at: number): Promise<EventOutcome> {
    const refusal = groupSendRefusal(await this.store.groups.get(groupId), 'server', at);
    if (refusal) return { ok: false, reason: refusal.code === 'IM_ERR_NOT_FOUND' ? `no group ${groupId}` : `group ${groupId}: ${refusal.reason}` };
    const { stored, duplicate } = await this.store.messages.append({ conversationId: groupConversationId(groupId), message: toDownlink(event, groupId, at) });
    if (duplicate) return this.done(event, 0, 1);
    const members = (await this.store.groups.members(groupId)).map((m) => m.userId);
    await this.delivery.send(members, { kind: 'stored', message: stored });
    return this.done(event, members.length, 0);
  }

  private done(event: BusinessEvent, notified: number, duplicates: number): EventOutcome {
    this.logger.info({ eventId: event.eventId, messageType: event.messageType, notified, duplicates }, 'business event handled');
    return { ok: true, notified, duplicates };
  }
}
