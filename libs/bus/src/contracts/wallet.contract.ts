import { createHash } from 'node:crypto';
import { requestTopic } from './topic-contract';

/**
 * Money commands (docs/money.md). Every amount is an integer count of fen. `key` (top-up,
 * withdraw) is the caller's idempotency key. A red packet's, transfer's or collection's id is its
 * idempotency key: the gateway gives one id per sender and requestId, the same on every retry.
 */
export type WalletCommand =
  | {
      readonly kind: 'topup' | 'withdraw';
      readonly userId: string;
      readonly amount: number;
      readonly key: string;
      readonly at: number;
    }
  | {
      readonly kind: 'red-packet-send';
      readonly packetId: string;
      readonly senderId: string;
      readonly targetType: 'user' | 'group';
      readonly targetId: string;
      readonly packetKind: 'equal' | 'lucky' | 'password';
      readonly total: number;
      readonly count: number;
      readonly msg: string;
      /** Password packets only: `passwordHash(packetId, password)`; the password itself never travels. */
      readonly passwordHash?: string;
      readonly at: number;
    }
  /**
   * `passwordHash` opens a password packet; `via: 'chat'` when the opener typed the password in the
   * group chat (they are then told the amount by a 68 notice, having no API answer to read).
   */
  | {
      readonly kind: 'red-packet-open';
      readonly packetId: string;
      readonly userId: string;
      readonly passwordHash?: string;
      readonly via?: 'api' | 'chat';
      readonly at: number;
    }
  /**
   * An AA collection (40 in a conversation) or a payment request (41 to one payer); its id is the
   * idempotency key. `amount` is what each payer pays, at most `count` times.
   */
  | {
      readonly kind: 'collection-create';
      readonly collectionId: string;
      readonly collectionKind: 'aa' | 'request';
      readonly collectorId: string;
      readonly targetType: 'user' | 'group';
      readonly targetId: string;
      readonly amount: number;
      readonly count: number;
      readonly totalAmt: number;
      readonly msg: string;
      readonly at: number;
    }
  /** `payerId` pays their share of a collection once (39 to the collector); `requestKey` is their idempotency key. */
  | {
      readonly kind: 'collection-pay';
      readonly collectionId: string;
      readonly payerId: string;
      readonly requestKey: string;
      readonly at: number;
    }
  /** A like (82) on group message `msgId`, told to its author; `likeId` (group, message, liker) makes it once per liker. */
  | {
      readonly kind: 'like';
      readonly likeId: string;
      readonly fromId: string;
      readonly groupId: string;
      readonly msgId: string;
      readonly at: number;
    }
  /** A tip (83) on group message `msgId`: `amount` from `fromId` to the message's author; `tipId` is the idempotency key. */
  | {
      readonly kind: 'tip';
      readonly tipId: string;
      readonly fromId: string;
      readonly groupId: string;
      readonly msgId: string;
      readonly amount: number;
      readonly at: number;
    }
  /** A transfer to a friend; its id is the idempotency key. */
  | {
      readonly kind: 'transfer-send';
      readonly transferId: string;
      readonly fromId: string;
      readonly toId: string;
      readonly amount: number;
      readonly msg: string;
      readonly at: number;
    }
  /** The receiver (`userId`) accepts or returns a transfer. */
  | {
      readonly kind: 'transfer-accept' | 'transfer-return';
      readonly transferId: string;
      readonly userId: string;
      readonly at: number;
    };

/**
 * The stored and transported form of a password red packet's password: sha256 of the packet id and
 * the text, so neither the store nor the bus ever holds the password itself.
 */
export function passwordHash(packetId: string, password: string): string {
  return createHash('sha256').update(`${packetId}\n${password}`).digest('hex');
}

/** The bus key of a wallet command: one packet's (transfer's, collection's) commands stay in order on one partition. */
export function walletCommandKey(command: WalletCommand): string {
  if ('packetId' in command) return command.packetId;
  if ('transferId' in command) return command.transferId;
  if ('collectionId' in command) return command.collectionId;
  if ('tipId' in command) return command.tipId;
  if ('likeId' in command) return command.likeId;
  return command.userId;
}

/**
 * What the wallet service answers (docs/money.md): a top-up's or withdrawal's operation and balance,
 * a red packet's, transfer's or collection's state, an opening's or payment's share, a like's or
 * tip's target. The wallet service's own result types narrow each `state` to that thing's states.
 */
export type WalletOutcome =
  | { readonly opId: string; readonly balance: number }
  | { readonly packetId: string; readonly state: string }
  | { readonly packetId: string; readonly amount: number; readonly slot: number; readonly alreadyOpened: boolean }
  | { readonly transferId: string; readonly state: string }
  | { readonly collectionId: string; readonly state: string }
  | { readonly collectionId: string; readonly amount: number; readonly slot: number; readonly alreadyPaid: boolean }
  | { readonly msgId: string; readonly authorId: string; readonly amount?: number };

/** Money commands. Key: the red packet, transfer or collection id, else the user id. Producers: gateway, message service. Consumer: wallet service (request/reply). */
export const WALLET_COMMANDS = requestTopic<WalletCommand, WalletOutcome>()('im.wallet.commands', walletCommandKey, {
  key: 'the red packet, transfer or collection id, else the user id',
  producers: ['gateway', 'message-service'],
  consumer: 'wallet-service',
  description:
    'Money commands: top-up, withdraw, red packets, transfers, AA collections and payment requests, likes and tips (docs/money.md).',
  payloadType: 'WalletCommand',
});
