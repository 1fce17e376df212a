import { startPeriodicTask } from '@im/common';
import type { Clock, ConfigSchema, Logger } from '@im/common';
import { MessageType, serverMessage } from '@im/protocol';
import type { MessageTypeNumber } from '@im/protocol';
import { NoticeWriter } from '@im/realtime';
import type { DeliveryPort } from '@im/realtime';
import type { ExpiryNotice, Group, Store } from '@im/store';

/** The expiry sweep's variables (the group service's process and embedded mode). */
export const GROUP_EXPIRY_CONFIG = {
  IM_GROUP_EXPIRY_SWEEP_MS: {
    kind: 'int',
    default: 60000,
    min: 10,
    doc: 'How often the group service looks for groups whose expiry reminder (58) or expired notice (65) is due.',
  },
  IM_GROUP_EXPIRY_REMINDER_MS: {
    kind: 'int',
    default: 86400000,
    min: 0,
    doc: 'How long before a group expires its members get the reminder (58).',
  },
} as const satisfies ConfigSchema;

export interface GroupExpiryOptions {
  /** How long before the expiry date the reminder (58) goes out. */
  readonly reminderLeadMs: number;
  /** Groups handled per sweep at most (the rest on the next one). */
  readonly batch?: number;
}

export interface SweepResult {
  readonly reminded: string[];
  readonly expired: string[];
}

/**
 * Sends each group's expiry reminder (58, `reminderLeadMs` ahead of `expiresAt`) and expired
 * notice (65, at `expiresAt`) once. Every group-service instance sweeps; the store's
 * `claimExpiryNotice` (one conditional single-document write, or a unique insert) lets exactly one
 * of them send each notice. The notice is stored in the group conversation `g:<groupId>` like the
 * other group notices (fromType 2, fromId the group), under a msgId made from the expiry date, and
 * sent to the members (see `claimAndSend` for the order of steps that loses nothing). Sends to an expired group are refused by the gateway and the message
 * service from `expiresAt` on, sweep or not.
 */
export class GroupExpirySweeper {
  private running: Promise<SweepResult> | undefined;

  private readonly notices: NoticeWriter;

  constructor(
    private readonly store: Store,
    delivery: DeliveryPort,
    private readonly options: GroupExpiryOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.notices = new NoticeWriter(store, delivery);
  }

  /** One pass; a call while one runs joins it. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Sweeps every `intervalMs` (errors are logged, the next tick tries again); close waits for a sweep under way. */
  start(intervalMs: number): { close(): Promise<void> } {
    const task = startPeriodicTask(() => this.sweep(), {
      name: 'group expiry sweep',
      everyMs: intervalMs,
      logger: this.logger,
    });
    return { close: () => task.stop() };
  }

  private async pass(): Promise<SweepResult> {
    const now = this.clock.now();
    const due = await this.store.groups.expiryDue(now, now + this.options.reminderLeadMs, this.options.batch ?? 100);
    const reminded: string[] = [];
    const expired: string[] = [];
    for (const group of due) {
      if (group.expiresAt === undefined) continue;
      if (group.expiresAt <= now) {
        if (await this.claimAndSend(group, 'expired', now)) expired.push(group.groupId);
      } else if (group.remindedAt === undefined) {
        if (await this.claimAndSend(group, 'reminder', now)) reminded.push(group.groupId);
      }
    }
    return { reminded, expired };
  }

  /**
   * Store first, claim second, deliver third. The store keeps the notice once (its msgId is made
   * from the expiry date); the claim lets one instance deliver it live. An instance that dies
   * after storing leaves a stored notice that the next sweep finds again (and claims); one that
   * dies after claiming leaves a stored notice its members get at their next sync. Neither is
   * lost, neither is delivered twice.
   */
  private async claimAndSend(group: Group, notice: ExpiryNotice, now: number): Promise<boolean> {
    const expiresAt = group.expiresAt ?? 0;
    const type: MessageTypeNumber =
      notice === 'reminder' ? MessageType.GROUP_EXPIRY_REMINDER : MessageType.GROUP_EXPIRED;
    const message = serverMessage({
      msgId: `n${type}-expiry-${expiresAt}-${group.groupId}`,
      messageType: type,
      from: { id: group.groupId, type: 'GROUP' },
      destId: group.groupId,
      content: { groupId: group.groupId, expiresAt },
      at: now,
    });
    let claimed = false;
    const claim = async (): Promise<boolean> =>
      (claimed = await this.store.groups.claimExpiryNotice(group.groupId, expiresAt, notice, now));
    await this.notices.toGroup(group.groupId, message, { deliverIf: claim });
    if (!claimed) return false;
    this.logger.info({ groupId: group.groupId, notice, expiresAt }, 'group expiry notice sent');
    return true;
  }
}
