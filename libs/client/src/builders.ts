import { FromType, MessageType } from '@im/protocol';
import type { MessageTypeName, MessageTypeNumber } from '@im/protocol';
import type {
  ContentOf,
  Draft,
  FileContent,
  ImageContent,
  LocationContent,
  ShortVideoContent,
  StickerContent,
  VoiceContent,
} from './message-types';

/** Where a message goes: a user (1:1), a group, or (100–102 only) a chatroom. */
export type Address = { readonly user: string } | { readonly group: string } | { readonly room: string };

export interface DraftOptions {
  /** Reuse a msgId (a retry the app makes itself); a new one is made otherwise. */
  readonly msgId?: string;
}

/** A draft of any type: the low-level builder the named ones use. */
export function draft<N extends MessageTypeNumber>(
  messageType: N,
  to: Address,
  content: ContentOf<N> | unknown,
  options: DraftOptions = {},
): Draft<N> {
  const [destId, fromType] =
    'group' in to ? [to.group, FromType.GROUP] : 'room' in to ? [to.room, FromType.PERSON] : [to.user, FromType.PERSON];
  return { messageType, destId, fromType, content, ...(options.msgId === undefined ? {} : { msgId: options.msgId }) };
}

/** A builder of one type: address, typed content, options. */
export type Builder<N extends MessageTypeNumber> = (
  to: Address,
  content: ContentOf<N>,
  options?: DraftOptions,
) => Draft<N>;
const of =
  <N extends MessageTypeNumber>(type: N): Builder<N> =>
  (to, content, options) =>
    draft(type, to, content, options);
/** Signals whose content is free (call signalling, chatroom enter / leave): '' when not given. */
export type Signal<N extends MessageTypeNumber> = (
  to: Address,
  content?: ContentOf<N>,
  options?: DraftOptions,
) => Draft<N>;
const signal =
  <N extends MessageTypeNumber>(type: N): Signal<N> =>
  (to, content, options) =>
    draft(type, to, content ?? '', options);

const T = MessageType;

/**
 * One builder per type a client may send (direction `up` or `both` in the registry), named after
 * the registry's type name in camelCase (`TEXT` → `text`, `CALL_AUDIO_OFFER` → `callAudioOffer`).
 * A test fails when a sendable registry type has none. 40 (AA collection) is made over HTTP
 * (`api.money.createCollection`), not sent.
 */
export const build = {
  /** 1: the client sends it itself after every `ready`. */
  ready: (options?: DraftOptions): Draft<1> => draft(T.READY, { user: 'server' }, '', options),
  /** 31: answered by a 31 from the server. */
  heartbeat: (options?: DraftOptions): Draft<31> => draft(T.HEARTBEAT, { user: 'server' }, '', options),
  text: of(T.TEXT),
  image: of(T.IMAGE) as (to: Address, image: ImageContent | string, options?: DraftOptions) => Draft<3>,
  file: of(T.FILE) as (to: Address, file: FileContent | string, options?: DraftOptions) => Draft<4>,
  voice: of(T.VOICE) as (to: Address, voice: VoiceContent | string, options?: DraftOptions) => Draft<16>,
  card: of(T.CARD),
  location: of(T.LOCATION) as (to: Address, location: LocationContent, options?: DraftOptions) => Draft<29>,
  shortVideo: of(T.SHORT_VIDEO) as (to: Address, video: ShortVideoContent, options?: DraftOptions) => Draft<30>,
  /** 32: recall one's own message (content: its msgId) within the recall window. */
  recall: of(T.RECALL),
  /** 33: everything up to this msgId is read. */
  read: of(T.READ),
  sticker: of(T.STICKER) as (to: Address, sticker: StickerContent, options?: DraftOptions) => Draft<34>,
  /** 35: an @ message, text or `{text, aiteId}`. */
  mention: of(T.MENTION),
  voiceCallRequest: signal(T.VOICE_CALL_REQUEST),
  voiceCallAnswer: of(T.VOICE_CALL_ANSWER),
  videoCallRequest: signal(T.VIDEO_CALL_REQUEST),
  videoCallAnswer: of(T.VIDEO_CALL_ANSWER),
  /** 82: like a group text message (`{msgId}`). */
  groupMessageLike: of(T.GROUP_MESSAGE_LIKE),
  /** 83: tip a group text message (`{msgId, amt}` in fen). */
  groupMessageTip: of(T.GROUP_MESSAGE_TIP),
  /** 100–102 travel on the `chatroom` event; address them `{room}`. */
  chatroomEnter: signal(T.CHATROOM_ENTER),
  chatroomLeave: signal(T.CHATROOM_LEAVE),
  chatroomMessage: of(T.CHATROOM_MESSAGE),
  callAudioOffer: signal(T.CALL_AUDIO_OFFER),
  callVideoOffer: signal(T.CALL_VIDEO_OFFER),
  callAudioAccepted: signal(T.CALL_AUDIO_ACCEPTED),
  callVideoAccepted: signal(T.CALL_VIDEO_ACCEPTED),
  callAudioRefused: signal(T.CALL_AUDIO_REFUSED),
  callVideoRefused: signal(T.CALL_VIDEO_REFUSED),
  callHangup: signal(T.CALL_HANGUP),
  callSwitchedToAudio: signal(T.CALL_SWITCHED_TO_AUDIO),
  callAskVideo: signal(T.CALL_ASK_VIDEO),
  callVideoAgreed: signal(T.CALL_VIDEO_AGREED),
  callVideoRefusedSwitch: signal(T.CALL_VIDEO_REFUSED_SWITCH),
  /** 163 / 164: to a group (`{group}`), content `{userIds}` names the invitees (all members without it). */
  multiCallAudioInvite: signal(T.MULTI_CALL_AUDIO_INVITE),
  multiCallVideoInvite: signal(T.MULTI_CALL_VIDEO_INVITE),
  multiCallEndedByInitiator: signal(T.MULTI_CALL_ENDED_BY_INITIATOR),
  /** 169: a WebRTC offer / answer / ICE candidate `{to, kind, signal}` for another participant of the group's call. */
  multiCallSignal: of(T.MULTI_CALL_SIGNAL),
} as const;

export type BuilderName = keyof typeof build;

/** `CALL_AUDIO_OFFER` → `callAudioOffer`: the builder name of a registry type name. */
export function builderNameOf(name: MessageTypeName): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
