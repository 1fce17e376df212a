import { streamTopic } from './topic-contract';

/** What a push service needs to show one offline notification; never content secrets or tokens. */
export interface PushRecord {
  /** `<conversationId>/<msgId>/<userId>`: unique per (user, message), for the push service to drop repeats. */
  readonly pushId: string;
  readonly userId: string;
  readonly conversationId: string;
  readonly msgId: string;
  readonly messageType: number;
  readonly fromId: string;
  /** The sender's name (or id), or the group name for a group message. */
  readonly title: string;
  /** A short preview: text cut to 60 characters, or a label such as "[Image]". */
  readonly body: string;
  /** The user's unread messages over all conversations, this one included. */
  readonly badge: number;
  readonly sendTime: number;
  /** Where to push: the user's devices with a registered token and no socket open now (at least one). */
  readonly tokens: readonly PushTarget[];
  /** `high` for a ringing call (wake the phone now); `normal` otherwise. */
  readonly priority: 'high' | 'normal';
  /** Pushes with the same key replace each other on the phone: `call:<callId>` for a call's ring and its 162. */
  readonly collapseKey?: string;
}

/** One device to push to: APNs or FCM, and its token. */
export interface PushTarget {
  readonly deviceId: string;
  readonly platform: 'apns' | 'fcm';
  readonly token: string;
}

/**
 * Offline push: one `PushRecord` per (user, message) of a type that pushes, when some of the user's
 * devices with a push token have no socket open and neither the user nor the conversation is muted.
 */
export const PUSH_OUT = streamTopic<PushRecord>()('im.push.out', (record) => record.userId, {
  key: 'the user id',
  producers: ['message-service', 'wallet-service', 'group-service', 'friend-service', 'events-service', 'call-service'],
  consumer: 'your APNs / FCM push service (outside this system)',
  description:
    'One record per (user, message) of a type that pushes (docs/business-events.md) when devices of the user with a push token have no socket open and neither the user nor the conversation is muted; it lists those devices’ tokens. A ringing call is high priority, with collapse key call:<callId>.',
  payloadType: 'PushRecord',
});
