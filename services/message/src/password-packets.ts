import { Topics, passwordHash } from '@im/bus';
import type { Bus, WalletCommand } from '@im/bus';
import type { Clock, Logger } from '@im/common';
import { FromType, MessageType } from '@im/protocol';
import type { RedPacket, Store, StoredMessage } from '@im/store';

/** Groups whose password packets are remembered (the oldest entry is dropped beyond this). */
const MAX_GROUPS = 10_000;

interface GroupEntry {
  readonly packets: readonly RedPacket[];
  /** The seq of the last message of the group this process stored since the packets were read. */
  lastSeq: number;
}

/**
 * The chat path of password red packets (docs/money.md): a group text message equal to the
 * password of an open password packet of that group opens it for the sender, as the open API
 * would (the message itself is stored and delivered as chat first, unchanged).
 *
 * The lookup costs nothing per message in the steady state: per group, this process keeps the
 * group's open password packets and the seq of the last message it stored there. A packet is
 * inserted before its 17 is appended to the group conversation, so as long as this process
 * stored every message of the group since it read the list (the seqs follow each other with no
 * gap: no 17, no other writer in between) the list is complete; any gap — a 17, a group notice,
 * another instance, a restart — makes the next text message read the list again (one indexed
 * query).
 */
export class PasswordPacketMatcher {
  private readonly groups = new Map<string, GroupEntry>();

  constructor(
    private readonly store: Store,
    private readonly bus: Pick<Bus, 'publish'>,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** Called after a message is stored (`duplicate`: it was stored before, by an earlier attempt). */
  async afterStored(stored: StoredMessage, duplicate: boolean): Promise<void> {
    const m = stored.message;
    if (m.fromType !== FromType.GROUP) return;
    const groupId = m.destId;
    const text = m.messageType === MessageType.TEXT && typeof m.content === 'string' ? m.content : undefined;
    const entry = this.groups.get(groupId);
    let packets: readonly RedPacket[];
    if (!duplicate && entry !== undefined && entry.lastSeq === stored.seq - 1) {
      entry.lastSeq = stored.seq;
      packets = entry.packets;
    } else {
      this.groups.delete(groupId);
      if (text === undefined) return;
      packets = await this.store.redPackets.passwordPackets(groupId);
      // A redelivered message does not prove the list complete up to its seq: read again next time.
      if (!duplicate) this.remember(groupId, { packets, lastSeq: stored.seq });
    }
    if (text === undefined || packets.length === 0) return;
    const now = this.clock.now();
    for (const packet of packets) {
      if (packet.expiresAt <= now || packet.passwordHash !== passwordHash(packet.packetId, text)) continue;
      const command: WalletCommand = {
        kind: 'red-packet-open',
        packetId: packet.packetId,
        userId: m.fromId,
        passwordHash: packet.passwordHash,
        via: 'chat',
        at: m.sendTime,
      };
      await this.bus.publish(Topics.WALLET_COMMANDS, packet.packetId, command);
      this.logger.info(
        { packetId: packet.packetId, userId: m.fromId, msgId: m.msgId },
        'password red packet opened from the chat',
      );
    }
  }

  private remember(groupId: string, entry: GroupEntry): void {
    if (this.groups.size >= MAX_GROUPS) this.groups.delete(this.groups.keys().next().value ?? '');
    this.groups.set(groupId, entry);
  }
}
