import { Schema } from 'mongoose';
import type {
  CollectionKind,
  CollectionState,
  MoneyOpState,
  RedPacketKind,
  RedPacketState,
  TransferState,
} from '../store.port';
import { options, req } from './mongo.schema-parts';

/** The documents and schemas of money (ledger, operations, red packets, transfers, collections); `buildModels` compiles them. */

/** One immutable ledger entry; `_id` is naturalKey(accountId, n), `opKey` naturalKey(accountId, opId) (unique). */
export interface LedgerEntryDoc {
  _id: string;
  accountId: string;
  n: number;
  opId: string;
  opKey: string;
  delta: number;
  balance: number;
  refused: boolean;
  at: number;
}

/** Where an account's chain ended when last seen: only a hint, never ahead of the entries. */
export interface LedgerHeadDoc {
  _id: string;
  n: number;
}

export interface MoneyOpDoc {
  _id: string;
  kind: string;
  fromAccount: string;
  toAccount: string;
  amount: number;
  state: MoneyOpState;
  createdAt: number;
  ref?: string;
}

export interface RedPacketDoc {
  _id: string;
  senderId: string;
  targetType: 'user' | 'group';
  targetId: string;
  kind: RedPacketKind;
  total: number;
  shares: number[];
  msg: string;
  state: RedPacketState;
  createdAt: number;
  expiresAt: number;
  passwordHash?: string;
}

/** `_id` is naturalKey(packetId, slot); `userKey` naturalKey(packetId, userId) (unique). */
export interface RedPacketClaimDoc {
  _id: string;
  packetId: string;
  slot: number;
  userId: string;
  userKey: string;
  amount: number;
  at: number;
}

export interface TransferDoc {
  _id: string;
  fromId: string;
  toId: string;
  amount: number;
  msg: string;
  state: TransferState;
  createdAt: number;
  expiresAt: number;
}

export interface CollectionDoc {
  _id: string;
  kind: CollectionKind;
  collectorId: string;
  targetType: 'user' | 'group';
  targetId: string;
  amount: number;
  count: number;
  totalAmt: number;
  msg: string;
  state: CollectionState;
  createdAt: number;
  expiresAt: number;
}

/** `_id` is naturalKey(collectionId, slot); `payerKey` naturalKey(collectionId, payerId, attempt) (unique). */
export interface CollectionSeatDoc {
  _id: string;
  collectionId: string;
  slot: number;
  payerId: string;
  attempt: number;
  payerKey: string;
  requestKey: string;
  at: number;
}

export function ledgerEntrySchema(): Schema<LedgerEntryDoc> {
  const s = new Schema<LedgerEntryDoc>(
    {
      _id: req(String),
      accountId: req(String),
      n: req(Number),
      opId: req(String),
      opKey: req(String),
      delta: req(Number),
      balance: req(Number),
      refused: req(Boolean),
      at: req(Number),
    },
    options('ledger_entries'),
  );
  s.index({ opKey: 1 }, { unique: true, name: 'account_op' });
  return s;
}

export function moneyOpSchema(): Schema<MoneyOpDoc> {
  const s = new Schema<MoneyOpDoc>(
    {
      _id: req(String),
      kind: req(String),
      fromAccount: req(String),
      toAccount: req(String),
      amount: req(Number),
      state: req(String),
      createdAt: req(Number),
      ref: String,
    },
    options('money_ops'),
  );
  s.index({ state: 1, createdAt: 1 }, { name: 'state_created' });
  return s;
}

export function redPacketSchema(): Schema<RedPacketDoc> {
  const s = new Schema<RedPacketDoc>(
    {
      _id: req(String),
      senderId: req(String),
      targetType: req(String),
      targetId: req(String),
      kind: req(String),
      total: req(Number),
      shares: { type: [Number], required: true },
      msg: { type: String, default: '' },
      state: req(String),
      createdAt: req(Number),
      expiresAt: req(Number),
      passwordHash: { type: String },
    },
    options('red_packets'),
  );
  s.index({ state: 1, createdAt: 1 }, { name: 'state_created' });
  s.index({ targetId: 1, kind: 1, state: 1 }, { name: 'password_target' });
  return s;
}

export function redPacketClaimSchema(): Schema<RedPacketClaimDoc> {
  const s = new Schema<RedPacketClaimDoc>(
    {
      _id: req(String),
      packetId: req(String),
      slot: req(Number),
      userId: req(String),
      userKey: req(String),
      amount: req(Number),
      at: req(Number),
    },
    options('red_packet_claims'),
  );
  s.index({ userKey: 1 }, { unique: true, name: 'packet_user' });
  s.index({ packetId: 1, slot: 1 }, { name: 'packet_slot' });
  return s;
}

export function transferSchema(): Schema<TransferDoc> {
  const s = new Schema<TransferDoc>(
    {
      _id: req(String),
      fromId: req(String),
      toId: req(String),
      amount: req(Number),
      msg: { type: String, default: '' },
      state: req(String),
      createdAt: req(Number),
      expiresAt: req(Number),
    },
    options('transfers'),
  );
  s.index({ state: 1, createdAt: 1 }, { name: 'state_created' });
  return s;
}

export function collectionSchema(): Schema<CollectionDoc> {
  const s = new Schema<CollectionDoc>(
    {
      _id: req(String),
      kind: req(String),
      collectorId: req(String),
      targetType: req(String),
      targetId: req(String),
      amount: req(Number),
      count: req(Number),
      totalAmt: req(Number),
      msg: { type: String, default: '' },
      state: req(String),
      createdAt: req(Number),
      expiresAt: req(Number),
    },
    options('collections'),
  );
  s.index({ state: 1, createdAt: 1 }, { name: 'state_created' });
  return s;
}

export function collectionSeatSchema(): Schema<CollectionSeatDoc> {
  const s = new Schema<CollectionSeatDoc>(
    {
      _id: req(String),
      collectionId: req(String),
      slot: req(Number),
      payerId: req(String),
      attempt: req(Number),
      payerKey: req(String),
      requestKey: req(String),
      at: req(Number),
    },
    options('collection_seats'),
  );
  s.index({ payerKey: 1 }, { unique: true, name: 'collection_payer_attempt' });
  s.index({ collectionId: 1, slot: 1 }, { name: 'collection_slot' });
  return s;
}
