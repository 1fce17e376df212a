import { requestTopic } from './topic-contract';

export type RelationCommand =
  | { readonly kind: 'block'; readonly userId: string; readonly targetId: string }
  | { readonly kind: 'unblock'; readonly userId: string; readonly targetId: string }
  /**
   * Friend commands carry `commandId` (a UUID the gateway draws): the notices they store are
   * keyed by it, so a redelivered command stores and sends them once. `at` is the acceptance time.
   */
  | {
      readonly kind: 'friend-request';
      readonly userId: string;
      readonly targetId: string;
      readonly message: string;
      readonly commandId: string;
      readonly at: number;
    }
  | {
      readonly kind: 'friend-accept' | 'friend-refuse' | 'unfriend';
      readonly userId: string;
      readonly targetId: string;
      readonly commandId: string;
      readonly at: number;
    }
  | {
      readonly kind: 'profile';
      readonly userId: string;
      readonly profile: { readonly name?: string; readonly avatar?: string; readonly signature?: string };
      readonly commandId: string;
      readonly at: number;
    };

/** What the friend service answers: a friend request's status, else done. */
export type RelationOutcome = { done: true } | { status: 'pending' | 'friends' };

/** Friend and blacklist commands. Key: the acting user id. Producer: gateway. Consumer: friend service (request/reply). */
export const RELATION_COMMANDS = requestTopic<RelationCommand, RelationOutcome>()(
  'im.relation.commands',
  (c) => c.userId,
  {
    key: 'the acting user id',
    producers: ['gateway'],
    consumer: 'friend-service',
    description: 'Friend requests and answers, unfriending, the blacklist and profile changes.',
    payloadType: 'RelationCommand',
  },
);
