import { MessageType } from '@im/protocol';
import type { FromType, ImMessage, MessageTypeName, MessageTypeNumber } from '@im/protocol';

/**
 * The content of each message type, as the server delivers it (normalised by the registry's
 * content schemas, `@im/protocol`'s ContentShapes). Types not listed carry `LooseContent`.
 */
export type LooseContent = string | Record<string, unknown>;
export interface ImageContent {
  url: string;
}
export interface FileContent {
  fileName: string;
  /** Bytes, as a decimal string. */
  fileSize: string;
  fileUrl: string;
  fileType: string;
  /** Downloaded (the original's spelling). */
  filished?: boolean;
}
export interface VoiceContent {
  url: string;
  /** Seconds. */
  time: number;
}
export interface LocationContent {
  /** Map snapshot URL, may be ''. */
  url: string;
  addr: string;
  /** LONGITUDE, as in the Chinese original. */
  lat: number;
  /** LATITUDE. */
  lut: number;
}
export interface ShortVideoContent {
  /** Thumbnail URL. */
  img: string;
  /** Seconds. */
  time: number;
  video: string;
}
export interface StickerContent {
  msgCodes: string;
  msgString: string;
  msgType: string | number;
  /** The user ids @-mentioned. */
  aiteId?: string[];
}
export interface RedPacketContent {
  redPacketId: string;
  msg: string;
}
export interface AmountContent {
  /** Fen. */
  amt: number;
  msg?: string;
}
export interface AaCollectionContent {
  totalAmt: number;
  amt: number;
  counts: number;
  msg: string;
}
export interface CallEndedContent {
  callId: string;
  kind: string;
  callerId: string;
  calleeId?: string;
  outcome: string;
  duration: number;
  participants?: number;
  startedAt: number;
  endedAt: number;
}

/** 169 (an extension): one participant's WebRTC signal for another participant of the group call. */
export interface MultiCallSignalContent {
  /** The participant it is for. */
  to: string;
  /** `offer`, `answer`, `candidate`, ... */
  kind: string;
  /** The SDP or ICE candidate, relayed untouched. */
  signal: LooseContent;
}

/** Content by type number, where the registry gives a shape; `LooseContent` elsewhere. */
export interface KnownContent {
  [MessageType.TEXT]: string;
  [MessageType.IMAGE]: ImageContent | string;
  [MessageType.FILE]: FileContent | string;
  [MessageType.VOICE]: VoiceContent | string;
  [MessageType.RED_PACKET]: RedPacketContent;
  [MessageType.CARD]: LooseContent;
  [MessageType.LOCATION]: LocationContent;
  [MessageType.SHORT_VIDEO]: ShortVideoContent;
  /** The msgId recalled. */
  [MessageType.RECALL]: string;
  /** The last msgId read. */
  [MessageType.READ]: string;
  [MessageType.STICKER]: StickerContent;
  [MessageType.MENTION]: LooseContent;
  [MessageType.PAYMENT_RECEIVED]: AmountContent;
  [MessageType.AA_COLLECTION]: AaCollectionContent;
  [MessageType.PAYMENT_REQUEST]: AmountContent;
  /** 1 accept, 0 refuse. */
  [MessageType.VOICE_CALL_ANSWER]: 0 | 1;
  [MessageType.VIDEO_CALL_ANSWER]: 0 | 1;
  [MessageType.CALL_ENDED]: CallEndedContent;
  [MessageType.MULTI_CALL_SIGNAL]: MultiCallSignalContent;
}

export type ContentOf<N extends MessageTypeNumber> = N extends keyof KnownContent ? KnownContent[N] : LooseContent;

/** A downlink of type N: the wire message with its content typed. */
export type Downlink<N extends MessageTypeNumber = MessageTypeNumber> = Omit<ImMessage, 'messageType' | 'content'> & {
  messageType: N;
  content: ContentOf<N>;
};

/** The type number of a type name: `TypeNumberOf<'TEXT'>` is 2. */
export type TypeNumberOf<Name extends MessageTypeName> = (typeof MessageType)[Name];

/**
 * The typed event per message type: `message:TEXT`, `message:GROUP_MEMBER_JOINED`, … Made from
 * the registry's names, so a type added to the registry has its event without a change here.
 */
export type MessageEvents = {
  [Name in MessageTypeName as `message:${Name}`]: (message: Downlink<TypeNumberOf<Name>>) => void;
};

const NAME_BY_NUMBER: ReadonlyMap<number, MessageTypeName> = new Map(
  (Object.keys(MessageType) as MessageTypeName[]).map((name) => [MessageType[name], name]),
);

/** The event a downlink of this type is emitted as (`message:TEXT`), or undefined for a number the protocol does not define. */
export function messageEventOf(type: number): keyof MessageEvents | undefined {
  const name = NAME_BY_NUMBER.get(type);
  return name === undefined ? undefined : `message:${name}`;
}

/** Where a message goes: a user (1:1) or a group. */
export type Target = { readonly user: string } | { readonly group: string };

/** A message ready for `send`: everything but the sender's identity, which the session fills in. */
export interface Draft<N extends MessageTypeNumber = MessageTypeNumber> {
  readonly messageType: N;
  readonly destId: string;
  readonly fromType: FromType;
  readonly content: ContentOf<N> | unknown;
  /** Set to retry a send the app made before (same msgId); new otherwise. */
  readonly msgId?: string;
  /** Extra wire fields (`geoId`, `devType`, …). */
  readonly extra?: Partial<Pick<ImMessage, 'geoId' | 'devType' | 'version'>>;
}
