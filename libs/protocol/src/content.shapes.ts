import { schema } from './content.schema';
import type { ContentSchema } from './content.schema';

/**
 * The content shape of each kind of message, from the protocol's table. Object shapes accept
 * a string holding their JSON too (old clients) and keep unknown extra fields.
 */

const MAX_MENTIONS = 1000;

const nonEmpty = schema.string({ minLength: 1 });
const text = schema.string();
/** http / https only (url.format.ts): a client that renders a `javascript:` or `data:` URL would run or load it. */
const url = schema.url();
const optionalNote = schema.optional(text, '');
/** Seconds (voice, video length): a non-negative number. */
const seconds = schema.number({ min: 0 });
/** Money is an integer count of minor units (fen): never a float, never negative. */
const money = schema.number({ integer: true, min: 0 });

function wireObject(
  fields: Parameters<typeof schema.object>[0],
  refine?: (v: Readonly<Record<string, unknown>>) => string | undefined,
) {
  return refine === undefined
    ? schema.object(fields, { acceptJsonString: true })
    : schema.object(fields, { acceptJsonString: true, refine });
}

/** Content the original leaves unspecified: text, or an object (old clients may send its JSON). */
const loose = schema.oneOf(schema.object({}, { acceptJsonString: true }), text);

export const ContentShapes = {
  /** 1 ready, 31 heartbeat: anything, ignored; absent becomes ''. */
  anything: schema.any(),
  /** 2 text and emoji. */
  text: nonEmpty,
  /** 32 recall, 33 read: the msgId concerned. */
  messageRef: schema.id(),
  /** 3 image: a URL, or `{url}`. */
  image: schema.oneOf(wireObject({ url }), url),
  /** 4 file; the original also allows a bare URL for file messages. `filished` = downloaded. */
  file: schema.oneOf(
    wireObject({
      fileName: nonEmpty,
      fileSize: schema.string({ minLength: 1, fromNumber: true }),
      fileUrl: url,
      fileType: text,
      filished: schema.optional(schema.boolean(), false),
    }),
    url,
  ),
  /** 16 voice; the original also allows a bare URL for voice messages. */
  voice: schema.oneOf(wireObject({ url, time: seconds }), url),
  /** 17 red packet. The original's example sends redPacketId as a number: normalised to a string. */
  redPacket: wireObject({ redPacketId: schema.id(), msg: optionalNote }),
  /**
   * 29 location. The Chinese original says `lat` is LONGITUDE (经度) and `lut` is LATITUDE (纬度);
   * the original wins over the English page, so lat ∈ [-180, 180] and lut ∈ [-90, 90].
   */
  location: wireObject({
    url: schema.url({ allowEmpty: true }),
    addr: text,
    lat: schema.number({ min: -180, max: 180 }),
    lut: schema.number({ min: -90, max: 90 }),
  }),
  /** 30 short video: thumbnail URL, length in seconds, video URL. */
  shortVideo: wireObject({ img: url, time: seconds, video: url }),
  /** 34 sticker; `aiteld` (the original's spelling) is read as `aiteId`; ids become strings. */
  sticker: schema.object(
    {
      msgCodes: text,
      msgString: text,
      msgType: schema.oneOf(schema.string(), schema.number()),
      aiteId: schema.optional(schema.array(schema.id(), MAX_MENTIONS), []),
    },
    { acceptJsonString: true, aliases: { aiteld: 'aiteId' } },
  ),
  /**
   * 39 payment received: a payment service's event (business events), or the wallet's AA
   * collection / payment request paid (services/wallet/src/collection.service.ts) naming both.
   */
  paymentReceived: wireObject({
    amt: money,
    collectionId: schema.optional(schema.id()),
    payerId: schema.optional(schema.id()),
  }),
  /**
   * 40 AA collection. We only require totalAmt ≥ amt: the original does not say whether
   * totalAmt = amt × counts (the initiator may pay a share, or amounts may be rounded).
   */
  aaCollection: wireObject(
    { totalAmt: money, msg: optionalNote, amt: money, counts: schema.number({ integer: true, min: 1 }) },
    (v) => ((v['totalAmt'] as number) < (v['amt'] as number) ? 'totalAmt must be at least amt' : undefined),
  ),
  /** 41 payment request: a payment service's event, or the wallet's (POST /v1/collections, kind request) naming it. */
  paymentRequest: wireObject({ msg: optionalNote, amt: money, collectionId: schema.optional(schema.id()) }),
  /** 43, 45 call answer: 1 accept, 0 reject (numeric strings accepted). */
  callAnswer: schema.number({ integer: true, min: 0, max: 1 }),
  /** 28 card, 35 @ message: non-empty text or an object. */
  textOrObject: schema.oneOf(schema.object({}, { acceptJsonString: true }), nonEmpty),
  /**
   * 162 call ended, made by the call service (services/call/src/call.notifier.ts): 1:1 calls name
   * the callee, multi-party calls count the participants.
   */
  callEnded: wireObject({
    callId: schema.id(),
    kind: nonEmpty,
    callerId: schema.id(),
    calleeId: schema.optional(schema.id()),
    outcome: nonEmpty,
    duration: schema.number({ integer: true, min: 0 }),
    participants: schema.optional(schema.number({ integer: true, min: 0 })),
    startedAt: schema.number({ integer: true, min: 0 }),
    endedAt: schema.number({ integer: true, min: 0 }),
  }),
  /** 166 multi-party call destroyed: why (`ended` by the initiator, `empty`). */
  multiCallDestroyed: wireObject({ callId: schema.id(), reason: nonEmpty }),
  /** 167 multi-party call created: its media (`audio` / `video`) and initiator. */
  multiCallCreated: wireObject({ callId: schema.id(), media: nonEmpty, initiatorId: schema.id() }),
  /** 168 someone joined or left: who, and who is in the call now. */
  multiCallMemberChanged: wireObject({
    callId: schema.id(),
    joined: schema.optional(schema.id()),
    left: schema.optional(schema.id()),
    participants: schema.array(schema.id()),
  }),
  /**
   * 169 (extension) one participant's WebRTC signal for another participant of the group call:
   * `to` the participant, `kind` what it is (`offer`, `answer`, `candidate`, ...), `signal` the
   * SDP or ICE candidate, relayed untouched.
   */
  multiCallSignal: wireObject({ to: schema.id(), kind: nonEmpty, signal: loose }),
  /** Everything else: text (may be empty) or an object. */
  loose,
} as const satisfies Record<string, ContentSchema>;
