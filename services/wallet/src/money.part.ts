import type { CommandReply } from '@im/bus';
import type { Logger } from '@im/common';
import type { ErrorName } from '@im/protocol';
import type { NoticeWriter } from '@im/realtime';
import type { Store } from '@im/store';
import type { Ledger } from './ledger';
import type { WalletOptions } from './wallet.config';

/** A refused money command: the error and a reason a person can read. */
export const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });

/** What each part of the wallet service (red packets, transfers, collections, reactions) works with. */
export abstract class MoneyPart {
  constructor(
    protected readonly store: Store,
    protected readonly ledger: Ledger,
    protected readonly notices: NoticeWriter,
    protected readonly options: WalletOptions,
    protected readonly logger: Logger,
  ) {}
}
