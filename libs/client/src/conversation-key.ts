import { FromType, MessageType, messageTypeSpec } from '@im/protocol';
import type { ImMessage } from '@im/protocol';

/** The conversation of a downlink whose seq the inbox tracks, and how to ask the HTTP API for its history. */
export type TrackedConversation =
  | { readonly id: string; readonly peerId: string; readonly groupId?: undefined }
  | { readonly id: string; readonly groupId: string; readonly peerId?: undefined };

/**
 * Which conversation a downlink's seq counts in, when that is certain: a message a client sent
 * (the registry's `clientSend` kind `conversation` or `reaction`) is stored in the group
 * conversation `g:<destId>` when `fromType` is 2, else in the direct conversation of its two
 * users. Server notices (a 10 in the user's system conversation carries the group as `destId`,
 * a 17 may be 1:1 or group) and live-only types are left untracked: they are deduplicated by
 * msgId, and a seq jump they leave in a tracked conversation is filled over HTTP like any other.
 * 33 (read) carries the READ seq, not its own: untracked.
 */
export function trackedConversation(m: ImMessage, me: string): TrackedConversation | undefined {
  if (typeof m.seq !== 'number' || m.messageType === MessageType.READ) return undefined;
  const kind = messageTypeSpec(m.messageType)?.clientSend?.kind;
  if (kind !== 'conversation' && kind !== 'reaction') return undefined;
  if (m.fromType === FromType.GROUP) return { id: `g:${m.destId}`, groupId: m.destId };
  if (m.fromType !== FromType.PERSON) return undefined;
  const peerId = m.fromId === me ? m.destId : m.fromId;
  return { id: `p:${[me, peerId].sort().join(':')}`, peerId };
}
