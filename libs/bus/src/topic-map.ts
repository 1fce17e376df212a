import { Topics } from './topics';

/**
 * The topics as data: for each, its key, who produces and who consumes it, and how (a plain
 * stream, or request/reply with the answer on `im.replies`). The AsyncAPI document
 * (`GET /asyncapi.json`) is generated from this map and the message type registry; README's
 * topic table and docs/topics.md say the same for people. A test checks that every topic of
 * `Topics` is here.
 */
export interface TopicSpec {
  /** The logical name (prefixed `<IM_KAFKA_NAMESPACE>.` when a namespace is set). */
  readonly topic: string;
  readonly key: string;
  readonly producers: readonly string[];
  /** The consumer group, or the outside system that reads it. */
  readonly consumer: string;
  /** `request`: each record expects a `CommandReply` on `im.replies`, keyed by the requesting instance. */
  readonly pattern: 'stream' | 'request';
  readonly description: string;
  /** The TypeScript type of a record's value in libs/bus/src/topics.ts. */
  readonly payloadType: string;
}

export const REPLIES_TOPIC = 'im.replies';

export const TOPIC_MAP: readonly TopicSpec[] = [
  {
    topic: Topics.MESSAGES,
    key: 'the conversation id (p:<a>:<b>, g:<groupId>): one conversation stays in order on one partition',
    producers: ['gateway'],
    consumer: 'message-service',
    pattern: 'stream',
    description:
      'Chat messages a gateway accepted (validated, identity checked, stamped), recalls and read marks. The message service gives each a seq, stores it and delivers it.',
    payloadType: 'ChatRecord',
  },
  {
    topic: Topics.GROUP_COMMANDS,
    key: 'the group id',
    producers: ['gateway'],
    consumer: 'group-service',
    pattern: 'request',
    description:
      'Group commands from the HTTP API: create, invite, kick, leave, dismiss, rename, attributes, remarks, mutes, admins, join policy, applications, ownership, expiry.',
    payloadType: 'GroupCommand',
  },
  {
    topic: Topics.RELATION_COMMANDS,
    key: 'the acting user id',
    producers: ['gateway'],
    consumer: 'friend-service',
    pattern: 'request',
    description: 'Friend requests and answers, unfriending, the blacklist and profile changes.',
    payloadType: 'RelationCommand',
  },
  {
    topic: Topics.WALLET_COMMANDS,
    key: 'the red packet, transfer or collection id, else the user id',
    producers: ['gateway', 'message-service'],
    consumer: 'wallet-service',
    pattern: 'request',
    description:
      'Money commands: top-up, withdraw, red packets, transfers, AA collections and payment requests, likes and tips (docs/money.md).',
    payloadType: 'WalletCommand',
  },
  {
    topic: Topics.CALL_COMMANDS,
    key: 'group:<groupId> for a multi-party signal, gateway:<id> for a dead gateway, else the user id',
    producers: ['gateway'],
    consumer: 'call-service',
    pattern: 'request',
    description:
      'Call signals from clients, call devices connecting and disconnecting, the users of a gateway that died (docs/calls-and-chatrooms.md).',
    payloadType: 'CallCommand',
  },
  {
    topic: Topics.EVENTS_IN,
    key: 'the event id',
    producers: ['other teams’ services', 'gateway (admin notices)'],
    consumer: 'events-service',
    pattern: 'stream',
    description:
      'Business events (moments, payments, official accounts, system notices, group check-in) turned into stored notifications; an invalid one goes to im.events.in.dlq with the reason (docs/business-events.md).',
    payloadType: 'BusinessEvent',
  },
  {
    topic: Topics.PUSH_OUT,
    key: 'the user id',
    producers: [
      'message-service',
      'wallet-service',
      'group-service',
      'friend-service',
      'events-service',
      'call-service',
    ],
    consumer: 'your APNs / FCM push service (outside this system)',
    pattern: 'stream',
    description:
      'One record per (user, message) of a type that pushes (docs/business-events.md) when devices of the user with a push token have no socket open and neither the user nor the conversation is muted; it lists those devices’ tokens. A ringing call is high priority, with collapse key call:<callId>.',
    payloadType: 'PushRecord',
  },
];
