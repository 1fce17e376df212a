import type { CommandReply, WalletCommand } from '@im/bus';
import { MessageType, serverMessage } from '@im/protocol';
import type { MessageTypeNumber } from '@im/protocol';
import { checkGroupSend } from '@im/store';
import type { RedPacket, RedPacketClaim } from '@im/store';
import { redPacketAccount } from './ledger';
import { equalSplit, luckySplit } from './split';
import { MoneyPart, refuse, sameFields } from './money.part';

type SendCommand = Extract<WalletCommand, { kind: 'red-packet-send' }>;
type OpenCommand = Extract<WalletCommand, { kind: 'red-packet-open' }>;

export type RedPacketResult =
  | { readonly packetId: string; readonly state: RedPacket['state'] }
  | { readonly packetId: string; readonly amount: number; readonly slot: number; readonly alreadyOpened: boolean };

/** The slot holders the refund writes at expiry: never a user id (ids cannot contain ':'... nor start with '@'). */
const REFUND_PREFIX = '@refund:';
const isRefund = (c: RedPacketClaim): boolean => c.userId.startsWith(REFUND_PREFIX);
/** A password packet opens only with its password (compared as hashes); any other packet takes none. */
const passwordMatches = (packet: RedPacket, c: OpenCommand): boolean =>
  packet.kind !== 'password' || (c.passwordHash !== undefined && c.passwordHash === packet.passwordHash);
const fundOpId = (packetId: string): string => `rpf:${packetId}`;
const slotOpId = (packetId: string, slot: number): string => `rps:${packetId}:${slot}`;

/**
 * Red packets (17; 19, 22, 24, 50, 68 about them). Every step can be repeated: the money moves
 * through the Ledger (exactly-once per operation), slots are taken by unique inserts, notices
 * are stored under fixed msgIds. `sweep` finishes what a crash left half done and refunds
 * expired packets.
 */
export class RedPacketService extends MoneyPart {
  /** Packets whose every slot is taken: nothing about them changes any more (bounded; oldest dropped first). */
  private readonly full = new Map<string, { packet: RedPacket; claims: RedPacketClaim[] }>();

  async send(c: SendCommand): Promise<CommandReply<RedPacketResult>> {
    const invalid = await this.checkSend(c);
    if (invalid) return invalid;
    // A password packet's shares are drawn as a lucky packet's.
    const shares = c.packetKind === 'equal' ? equalSplit(c.total, c.count) : luckySplit(c.total, c.count);
    const packet: RedPacket = {
      packetId: c.packetId,
      senderId: c.senderId,
      targetType: c.targetType,
      targetId: c.targetId,
      kind: c.packetKind,
      total: c.total,
      shares,
      msg: c.msg,
      state: 'funding',
      createdAt: c.at,
      expiresAt: c.at + this.options.expiryMs,
      ...(c.packetKind === 'password' && c.passwordHash !== undefined ? { passwordHash: c.passwordHash } : {}),
    };
    const current = await this.createOnce(
      this.store.redPackets,
      c.packetId,
      packet,
      (first) =>
        sameFields(first, packet, ['senderId', 'targetType', 'targetId', 'kind', 'total']) &&
        first.shares.length === c.count &&
        first.passwordHash === c.passwordHash,
    );
    if (!current) return refuse('IM_ERR_CONFLICT', 'this red packet id was used with other parameters');
    return this.reportFunding(await this.fund(current));
  }

  private reportFunding(packet: RedPacket): CommandReply<RedPacketResult> {
    if (packet.state === 'failed')
      return refuse('IM_ERR_INSUFFICIENT_FUNDS', 'the balance does not cover the red packet');
    return { ok: true, value: { packetId: packet.packetId, state: packet.state } };
  }

  private async checkSend(c: SendCommand): Promise<CommandReply<never> | undefined> {
    if (!Number.isSafeInteger(c.total) || c.total < 1 || c.total > this.options.maxAmount) {
      return refuse('IM_ERR_BAD_REQUEST', `total must be an integer from 1 to ${this.options.maxAmount} fen`);
    }
    if (!Number.isSafeInteger(c.count) || c.count < 1 || c.count > this.options.maxShares) {
      return refuse('IM_ERR_BAD_REQUEST', `count must be an integer from 1 to ${this.options.maxShares}`);
    }
    if (c.total < c.count)
      return refuse('IM_ERR_BAD_REQUEST', 'every share must be at least 1 fen: total must be at least count');
    if (c.packetKind === 'equal' && c.total % c.count !== 0)
      return refuse('IM_ERR_BAD_REQUEST', 'an equal packet needs a total divisible by count');
    if (c.packetKind === 'password') {
      if (c.targetType !== 'group') return refuse('IM_ERR_BAD_REQUEST', 'a password red packet goes to a group');
      if (typeof c.passwordHash !== 'string' || !/^[0-9a-f]{64}$/.test(c.passwordHash))
        return refuse('IM_ERR_BAD_REQUEST', 'a password red packet needs a password');
    } else if (c.passwordHash !== undefined) {
      return refuse('IM_ERR_BAD_REQUEST', 'only a password red packet has a password');
    }
    if (c.targetType === 'user') {
      if (c.targetId === c.senderId) return refuse('IM_ERR_BAD_REQUEST', 'cannot send a red packet to yourself');
      if (await this.store.relations.isBlocked(c.targetId, c.senderId))
        return refuse('IM_ERR_BLACKLISTED', 'the receiver has blacklisted you');
      return undefined;
    }
    const refusal = await checkGroupSend(this.store.groups, c.targetId, c.senderId, c.at);
    if (refusal) return refuse(refusal.code, refusal.reason);
    const members = await this.store.groups.members(c.targetId);
    if (c.count > members.length)
      return refuse('IM_ERR_BAD_REQUEST', `count must not exceed the group's ${members.length} members`);
    return undefined;
  }

  /**
   * funding → open (paid, 17 posted) or failed (the sender could not pay). Every step repeats
   * safely: the fund operation is exactly-once, the 17 is stored under a fixed msgId.
   */
  private async fund(packet: RedPacket): Promise<RedPacket> {
    if (packet.state !== 'funding') return packet;
    const outcome = await this.ledger.submit({
      opId: fundOpId(packet.packetId),
      kind: 'red-packet-fund',
      fromAccount: packet.senderId,
      toAccount: redPacketAccount(packet.packetId),
      amount: packet.total,
      ref: packet.packetId,
    });
    if (outcome.state === 'refused') {
      await this.store.redPackets.setState(packet.packetId, 'failed');
      return { ...packet, state: 'failed' };
    }
    await this.post(packet);
    await this.store.redPackets.setState(packet.packetId, 'open');
    this.logger.info(
      { packetId: packet.packetId, senderId: packet.senderId, total: packet.total, count: packet.shares.length },
      'red packet sent',
    );
    return { ...packet, state: 'open' };
  }

  async open(c: OpenCommand): Promise<CommandReply<RedPacketResult>> {
    const reply = await this.openOnce(c);
    if (reply.ok && c.via === 'chat' && 'alreadyOpened' in reply.value)
      await this.tellOpener(c, reply.value.amount, reply.value.slot);
    return reply;
  }

  private async openOnce(c: OpenCommand): Promise<CommandReply<RedPacketResult>> {
    const full = this.full.get(c.packetId);
    if (full) {
      if (!passwordMatches(full.packet, c)) return refuse('IM_ERR_FORBIDDEN', 'wrong password for this red packet');
      return this.openFull(full.packet, full.claims, c.userId);
    }
    let packet = await this.store.redPackets.get(c.packetId);
    if (!packet || packet.state === 'failed') return refuse('IM_ERR_NOT_FOUND', 'no such red packet');
    if (!(await this.mayOpen(packet, c.userId)))
      return refuse('IM_ERR_FORBIDDEN', 'this red packet is not in a conversation of yours');
    if (!passwordMatches(packet, c)) return refuse('IM_ERR_FORBIDDEN', 'wrong password for this red packet');
    packet = await this.fund(packet);
    const count = packet.shares.length;
    for (let attempt = 0; attempt <= count + 16; attempt++) {
      const claims = await this.store.redPackets.claims(c.packetId);
      const mine = claims.find((k) => k.userId === c.userId);
      if (mine) {
        // Paid already, unless a crash interrupted it: then finish it now.
        if ((await this.store.ledger.op(slotOpId(packet.packetId, mine.slot)))?.state !== 'completed')
          await this.settleClaim(packet, mine);
        return { ok: true, value: { packetId: c.packetId, amount: mine.amount, slot: mine.slot, alreadyOpened: true } };
      }
      if (claims.length >= count) {
        this.rememberFull(packet, claims);
        return refuse(
          claims.some(isRefund) ? 'IM_ERR_RED_PACKET_EXPIRED' : 'IM_ERR_RED_PACKET_EMPTY',
          'no share is left',
        );
      }
      if (c.at >= packet.expiresAt) return refuse('IM_ERR_RED_PACKET_EXPIRED', 'the red packet has expired');
      const slot = claims.length;
      const claim: RedPacketClaim = {
        packetId: c.packetId,
        slot,
        userId: c.userId,
        amount: packet.shares[slot] ?? 0,
        at: c.at,
      };
      if (await this.store.redPackets.claim(claim)) {
        await this.settleClaim(packet, claim);
        return { ok: true, value: { packetId: c.packetId, amount: claim.amount, slot, alreadyOpened: false } };
      }
      // Another opener took this slot (or this user won a concurrent open): read again.
    }
    return refuse('IM_ERR_UNAVAILABLE', 'too many concurrent opens; retry');
  }

  /** An open of a packet with every slot taken: the answer needs no more than the caller's right to see it. */
  private async openFull(
    packet: RedPacket,
    claims: readonly RedPacketClaim[],
    userId: string,
  ): Promise<CommandReply<RedPacketResult>> {
    if (!(await this.mayOpen(packet, userId)))
      return refuse('IM_ERR_FORBIDDEN', 'this red packet is not in a conversation of yours');
    const mine = claims.find((k) => k.userId === userId);
    if (mine)
      return {
        ok: true,
        value: { packetId: packet.packetId, amount: mine.amount, slot: mine.slot, alreadyOpened: true },
      };
    return refuse(claims.some(isRefund) ? 'IM_ERR_RED_PACKET_EXPIRED' : 'IM_ERR_RED_PACKET_EMPTY', 'no share is left');
  }

  private rememberFull(packet: RedPacket, claims: RedPacketClaim[]): void {
    if (this.full.size >= 10_000) this.full.delete(this.full.keys().next().value ?? '');
    this.full.set(packet.packetId, { packet, claims });
  }

  private async mayOpen(packet: RedPacket, userId: string): Promise<boolean> {
    if (packet.targetType === 'user') return userId === packet.targetId;
    return (await this.store.groups.member(packet.targetId, userId)) !== undefined;
  }

  /**
   * Pays a taken slot: to the opener (19 to the sender; 24 once the last slot is a user's) or,
   * for a slot the expiry took, back to the sender. Repeats safely.
   */
  private async settleClaim(packet: RedPacket, claim: RedPacketClaim): Promise<void> {
    const refund = isRefund(claim);
    await this.ledger.submit({
      opId: slotOpId(packet.packetId, claim.slot),
      kind: refund ? 'red-packet-refund' : 'red-packet-share',
      fromAccount: redPacketAccount(packet.packetId),
      toAccount: refund ? packet.senderId : claim.userId,
      amount: claim.amount,
      ref: packet.packetId,
    });
    if (refund) return;
    await this.toSender(
      packet,
      MessageType.RED_PACKET_OPENED,
      `${claim.slot}`,
      claim.userId,
      { redPacketId: packet.packetId, userId: claim.userId, amt: claim.amount },
      claim.at,
    );
    if (claim.slot === packet.shares.length - 1) {
      // A password packet's last share: 50 to the whole group; any other packet: 24 to the sender.
      if (packet.kind === 'password')
        await this.toGroup(
          packet,
          MessageType.PASSWORD_RED_PACKET_ALL_TAKEN,
          { redPacketId: packet.packetId },
          claim.at,
        );
      else
        await this.toSender(
          packet,
          MessageType.RED_PACKET_ALL_TAKEN,
          'all',
          packet.senderId,
          { redPacketId: packet.packetId },
          claim.at,
        );
    }
  }

  /**
   * Packets still funding (once older than the recovery age), taken slots not yet paid, expired
   * packets (their free slots are taken for the sender, paid back, 22). Answers how many were settled.
   */
  async sweep(now: number): Promise<number> {
    let packets = 0;
    for (const packet of await this.store.redPackets.active(500)) {
      if (packet.state === 'funding' && packet.createdAt > now - this.options.recoveryAgeMs) continue;
      const funded = await this.fund(packet);
      if (funded.state !== 'open') continue;
      if (await this.sweepPacket(funded, now)) packets += 1;
    }
    return packets;
  }

  private async sweepPacket(packet: RedPacket, now: number): Promise<boolean> {
    const count = packet.shares.length;
    let claims = await this.store.redPackets.claims(packet.packetId);
    if (now >= packet.expiresAt && claims.length < count) {
      for (let slot = claims.length; slot < count; slot++) {
        await this.store.redPackets.claim({
          packetId: packet.packetId,
          slot,
          userId: `${REFUND_PREFIX}${slot}`,
          amount: packet.shares[slot] ?? 0,
          at: now,
        });
      }
      claims = await this.store.redPackets.claims(packet.packetId);
    }
    // Slots taken but not (fully) paid: a crash between the claim and its payment.
    for (const claim of claims) {
      const op = await this.store.ledger.op(slotOpId(packet.packetId, claim.slot));
      if (op === undefined || op.state === 'pending') await this.settleClaim(packet, claim);
    }
    if (claims.length < count) return false;
    const refunded = claims.filter(isRefund).reduce((sum, k) => sum + k.amount, 0);
    if (refunded > 0)
      await this.toSender(
        packet,
        MessageType.RED_PACKET_REFUNDED,
        'refund',
        packet.senderId,
        { redPacketId: packet.packetId, amt: refunded },
        now,
      );
    await this.store.redPackets.setState(packet.packetId, 'settled');
    this.logger.info({ packetId: packet.packetId, refunded }, 'red packet settled');
    return true;
  }

  // ---- notices ---------------------------------------------------------------------------

  /** 17 in the conversation the packet was sent to, from the sender. */
  private async post(packet: RedPacket): Promise<void> {
    await this.postInConversation(
      packet.senderId,
      { type: packet.targetType, id: packet.targetId },
      {
        msgId: `rp17-${packet.packetId}`,
        type: MessageType.RED_PACKET,
        content: { redPacketId: packet.packetId, msg: packet.msg },
        at: packet.createdAt,
      },
    );
  }

  /** 50 in the packet's group conversation, to the members. */
  private async toGroup(packet: RedPacket, type: MessageTypeNumber, content: unknown, at: number): Promise<void> {
    await this.notices.toGroup(
      packet.targetId,
      serverMessage({
        msgId: `rp${type}-${packet.packetId}`,
        messageType: type,
        from: { id: packet.senderId, type: 'GROUP' },
        destId: packet.targetId,
        content,
        at,
      }),
    );
  }

  /**
   * The opener who typed the password in the chat has no API answer to read: a system notice (68,
   * `{redPacketId, amt}`) in their system conversation tells them the amount, once per packet.
   */
  private async tellOpener(c: OpenCommand, amount: number, slot: number): Promise<void> {
    const content = { redPacketId: c.packetId, amt: amount };
    await this.notices.toUser(
      c.userId,
      serverMessage({
        msgId: `rp${MessageType.SYSTEM_NOTICE}-${c.packetId}-${slot}`,
        messageType: MessageType.SYSTEM_NOTICE,
        from: { id: 'system', type: 'SYSTEM' },
        destId: c.userId,
        content,
        at: c.at,
      }),
    );
  }

  /** A notice in the sender's system conversation, stored (and sent) once per `about`. */
  private async toSender(
    packet: RedPacket,
    type: MessageTypeNumber,
    about: string,
    fromId: string,
    content: unknown,
    at: number,
  ): Promise<void> {
    await this.tellUser(packet.senderId, fromId, { msgId: `rp${type}-${packet.packetId}-${about}`, type, content, at });
  }
}
