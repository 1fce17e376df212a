import type { CommandReply } from '@im/bus';
import type { Logger } from '@im/common';
import { directConversationId, groupConversationId, serverMessage } from '@im/protocol';
import type { ErrorName, MessageTypeNumber } from '@im/protocol';
import type { NoticeWriter } from '@im/realtime';
import type { Store } from '@im/store';
import type { Ledger } from './ledger';
import type { WalletOptions } from './wallet.config';

/** A refused money command: the error and a reason a person can read. */
export const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });

/** True when `a` and `b` agree on every field in `keys`. */
export const sameFields = <T>(a: T, b: T, keys: readonly (keyof T)[]): boolean => keys.every((k) => a[k] === b[k]);

/** One money message: its id (it is stored and sent once per id), type, content and time. */
export interface MoneyNotice {
  readonly msgId: string;
  readonly type: MessageTypeNumber;
  readonly content: unknown;
  readonly at: number;
}

/** What each part of the wallet service (red packets, transfers, collections, reactions) works with. */
export abstract class MoneyPart {
  constructor(
    protected readonly store: Store,
    protected readonly ledger: Ledger,
    protected readonly notices: NoticeWriter,
    protected readonly options: WalletOptions,
    protected readonly logger: Logger,
  ) {}

  /**
   * Creates `record` under `id`; when the id is taken,
   * the record made first if `isRetry(first)` says this is the same command again, else
   * undefined (the id was used with other parameters).
   */
  protected async createOnce<R>(
    repo: { create(record: R): Promise<boolean>; get(id: string): Promise<R | undefined> },
    id: string,
    record: R,
    isRetry: (first: R) => boolean,
  ): Promise<R | undefined> {
    if (await repo.create(record)) return record;
    const first = await repo.get(id);
    if (!first) throw new Error(`${id} refused as a duplicate but not found`);
    return isRetry(first) ? first : undefined;
  }

  /** `notice` from the person `fromId` in the system conversation of the user `toId`. */
  protected async tellUser(toId: string, fromId: string, notice: MoneyNotice): Promise<void> {
    const { msgId, type, content, at } = notice;
    await this.notices.toUser(
      toId,
      serverMessage({ msgId, messageType: type, from: { id: fromId, type: 'PERSON' }, destId: toId, content, at }),
    );
  }

  /** `notice` from `senderId` in the conversation with the user or group `to` (in a group, from the group). */
  protected async postInConversation(
    senderId: string,
    to: { readonly type: 'user' | 'group'; readonly id: string },
    notice: MoneyNotice,
  ): Promise<void> {
    const { msgId, type, content, at } = notice;
    const group = to.type === 'group';
    const from = { id: senderId, type: group ? ('GROUP' as const) : ('PERSON' as const) };
    await this.notices.toConversation(
      group ? groupConversationId(to.id) : directConversationId(senderId, to.id),
      serverMessage({ msgId, messageType: type, from, destId: to.id, content, at }),
    );
  }
}
