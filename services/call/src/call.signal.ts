import { MessageType } from '@im/protocol';
import type { ImMessage } from '@im/protocol';
import type { CallMedia } from '@im/realtime';

/** What a 1:1 call message asks for. The older 42-45 map onto the same signals as 150-156. */
export type CallSignal =
  | { readonly kind: 'offer'; readonly media: CallMedia; readonly legacy: boolean }
  | { readonly kind: 'answer'; readonly accept: boolean }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'switch-to-audio' }
  | { readonly kind: 'ask-video' }
  | { readonly kind: 'agree-video' }
  | { readonly kind: 'refuse-video' };

/** The signal of a client's 1:1 call message, or undefined when the type is not one. */
export function callSignalOf(m: ImMessage): CallSignal | undefined {
  switch (m.messageType) {
    case MessageType.VOICE_CALL_REQUEST:
      return { kind: 'offer', media: 'audio', legacy: true };
    case MessageType.VIDEO_CALL_REQUEST:
      return { kind: 'offer', media: 'video', legacy: true };
    case MessageType.CALL_AUDIO_OFFER:
      return { kind: 'offer', media: 'audio', legacy: false };
    case MessageType.CALL_VIDEO_OFFER:
      return { kind: 'offer', media: 'video', legacy: false };
    case MessageType.VOICE_CALL_ANSWER:
    case MessageType.VIDEO_CALL_ANSWER:
      return { kind: 'answer', accept: m.content === 1 };
    case MessageType.CALL_AUDIO_ACCEPTED:
    case MessageType.CALL_VIDEO_ACCEPTED:
      return { kind: 'answer', accept: true };
    case MessageType.CALL_AUDIO_REFUSED:
    case MessageType.CALL_VIDEO_REFUSED:
      return { kind: 'answer', accept: false };
    case MessageType.CALL_HANGUP:
      return { kind: 'hangup' };
    case MessageType.CALL_SWITCHED_TO_AUDIO:
      return { kind: 'switch-to-audio' };
    case MessageType.CALL_ASK_VIDEO:
      return { kind: 'ask-video' };
    case MessageType.CALL_VIDEO_AGREED:
      return { kind: 'agree-video' };
    case MessageType.CALL_VIDEO_REFUSED_SWITCH:
      return { kind: 'refuse-video' };
    default:
      return undefined;
  }
}

/** The refusal a caller gets when the callee is busy, in the dialect the call was offered in. */
export function busyRefusalType(media: CallMedia, legacy: boolean): ImMessage['messageType'] {
  if (legacy) return media === 'video' ? MessageType.VIDEO_CALL_ANSWER : MessageType.VOICE_CALL_ANSWER;
  return media === 'video' ? MessageType.CALL_VIDEO_REFUSED : MessageType.CALL_AUDIO_REFUSED;
}
