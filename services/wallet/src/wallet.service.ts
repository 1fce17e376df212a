import type { CommandReply, WalletCommand } from '@im/bus';
import { isAppError } from '@im/common';
import type { Clock, Logger } from '@im/common';
import type { ErrorName } from '@im/protocol';
import { NoticeWriter } from '@im/realtime';
import type { DeliveryPort, PushNotifier } from '@im/realtime';
import type { Store } from '@im/store';
import { KeyedLanes } from '@im/common';
import { CollectionService } from './collection.service';
import type { CollectionResult } from './collection.service';
import { ReactionService } from './reaction.service';
import type { ReactionResult } from './reaction.service';
import { TransferService } from './transfer.service';
import type { TransferResult } from './transfer.service';
import { BANK_ACCOUNT, Ledger } from './ledger';
import { RedPacketService } from './red-packet.service';
import type { RedPacketResult } from './red-packet.service';
import type { WalletOptions } from './wallet.config';

type MoneyCommand = Extract<WalletCommand, { kind: 'topup' | 'withdraw' }>;

export type WalletResult =
  | { readonly opId: string; readonly balance: number }
  | RedPacketResult
  | TransferResult
  | CollectionResult
  | ReactionResult;

const refuse = (error: ErrorName, reason: string): CommandReply<never> => ({ ok: false, error, reason });

/**
 * Owns wallets and hands each money command to its service (red packets, transfers,
 * collections, reactions), one at a time per packet, transfer, collection or tip. Every command
 * is idempotent and every step can be repeated (the Ledger moves money exactly once per
 * operation). `sweep` finishes whatever a crash left half done and refunds what expired; it runs
 * at start and every IM_MONEY_SWEEP_MS.
 */
export class WalletService {
  readonly ledger: Ledger;
  readonly transfers: TransferService;
  readonly collections: CollectionService;
  readonly reactions: ReactionService;
  readonly redPackets: RedPacketService;
  private readonly lanes = new KeyedLanes();

  constructor(
    store: Store,
    delivery: DeliveryPort,
    private readonly options: WalletOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
    /** Pushes the notices that push to offline devices (im.push.out); absent: no push. */
    push?: PushNotifier,
  ) {
    this.ledger = new Ledger(store.ledger, clock);
    const notices = new NoticeWriter(store, delivery, push);
    this.redPackets = new RedPacketService(store, this.ledger, notices, options, logger);
    this.transfers = new TransferService(store, this.ledger, notices, options, logger);
    this.collections = new CollectionService(store, this.ledger, notices, options, logger);
    this.reactions = new ReactionService(store, this.ledger, notices, options, logger);
  }

  async handle(command: WalletCommand): Promise<CommandReply<WalletResult>> {
    try {
      switch (command.kind) {
        case 'topup':
        case 'withdraw':
          return await this.adminMove(command);
        case 'red-packet-send':
          return await this.lanes.run(command.packetId, () => this.redPackets.send(command));
        case 'red-packet-open':
          return await this.lanes.run(command.packetId, () => this.redPackets.open(command));
        case 'transfer-send':
          return await this.lanes.run(command.transferId, () => this.transfers.send(command));
        case 'transfer-accept':
        case 'transfer-return':
          return await this.lanes.run(command.transferId, () => this.transfers.answer(command));
        case 'collection-create':
          return await this.lanes.run(command.collectionId, () => this.collections.create(command));
        case 'collection-pay':
          return await this.lanes.run(command.collectionId, () => this.collections.pay(command));
        case 'like':
          return await this.reactions.like(command);
        case 'tip':
          return await this.lanes.run(command.tipId, () => this.reactions.tip(command));
      }
    } catch (error: unknown) {
      if (isAppError(error)) return refuse(error.error.name, error.error.reason);
      throw error;
    }
  }

  private async adminMove(c: MoneyCommand): Promise<CommandReply<WalletResult>> {
    const topup = c.kind === 'topup';
    const outcome = await this.ledger.submit({
      opId: `admin:${c.key}`,
      kind: c.kind,
      fromAccount: topup ? BANK_ACCOUNT : c.userId,
      toAccount: topup ? c.userId : BANK_ACCOUNT,
      amount: c.amount,
    });
    if (outcome.state === 'refused')
      return refuse('IM_ERR_INSUFFICIENT_FUNDS', 'the balance does not cover the withdrawal');
    this.logger.info({ kind: c.kind, userId: c.userId, amount: c.amount, opId: outcome.opId }, 'wallet moved');
    return { ok: true, value: { opId: outcome.opId, balance: await this.ledger.balance(c.userId) } };
  }

  /** Finishes what is half done and refunds what expired: red packets, transfers, collections, then pending plain money operations. */
  async sweep(): Promise<{ ops: number; packets: number }> {
    const now = this.clock.now();
    let packets = await this.redPackets.sweep(now);
    packets += await this.transfers.sweep(now);
    packets += await this.collections.sweep(now);
    // Packets and transfers first: they finish their operations with their notices; what is left pending is plain money.
    const ops = await this.ledger.recover(now - this.options.recoveryAgeMs);
    if (ops > 0 || packets > 0) this.logger.info({ ops, packets }, 'money sweep finished work');
    return { ops, packets };
  }
}
