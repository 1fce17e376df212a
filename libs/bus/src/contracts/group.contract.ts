import { requestTopic } from './topic-contract';

/**
 * Group commands. All but `create` carry the acting `userId`, a `commandId` (a UUID the gateway
 * draws: the notices they store are keyed by it, so a redelivered command stores and sends them
 * once) and `at`, the acceptance time.
 */
export type GroupCommand =
  | {
      readonly kind: 'create';
      readonly groupId: string;
      readonly ownerId: string;
      readonly name: string;
      readonly memberIds: readonly string[];
      readonly at: number;
      /** Default `approval`. */
      readonly joinPolicy?: GroupJoinPolicy;
    }
  | (GroupCommandBase & { readonly kind: 'invite'; readonly targetIds: readonly string[] })
  | (GroupCommandBase & { readonly kind: 'kick'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'leave' | 'dismiss' })
  | (GroupCommandBase & { readonly kind: 'rename'; readonly name: string })
  /** Sets the group's avatar (46), announcement (47 the first, 48 a replacement) or introduction (56). */
  | (GroupCommandBase & {
      readonly kind: 'set-attribute';
      readonly attribute: 'avatar' | 'announcement' | 'introduction';
      readonly value: string;
    })
  /** Any member sets their own remark name in the group (27 to every member). */
  | (GroupCommandBase & { readonly kind: 'set-remark'; readonly remark: string })
  /** An owner or admin mutes `targetId` for `minutes` (from `at`), or unmutes them. */
  | (GroupCommandBase & { readonly kind: 'mute-member'; readonly targetId: string; readonly minutes: number })
  | (GroupCommandBase & { readonly kind: 'unmute-member'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'set-admin' | 'unset-admin'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'mute' | 'unmute' })
  /** The owner sets the expiry date (ms, after `at`) or clears it (null); 58 ahead of it and 65 at it come from the expiry sweep. */
  | (GroupCommandBase & { readonly kind: 'set-expiry'; readonly expiresAt: number | null })
  | (GroupCommandBase & { readonly kind: 'set-join-policy'; readonly joinPolicy: GroupJoinPolicy })
  /** `userId` asks to join (not a member yet); `message` is shown to the owner and admins. */
  | (GroupCommandBase & { readonly kind: 'apply'; readonly message: string })
  /** An owner or admin approves or refuses `targetId`'s pending application. */
  | (GroupCommandBase & { readonly kind: 'approve' | 'refuse-application'; readonly targetId: string })
  /** The owner offers ownership to the member `targetId`; the candidate (`userId`) accepts or refuses. */
  | (GroupCommandBase & { readonly kind: 'offer-ownership'; readonly targetId: string })
  | (GroupCommandBase & { readonly kind: 'accept-ownership' | 'refuse-ownership' });

export type GroupJoinPolicy = 'free' | 'approval' | 'invite-only';

export interface GroupCommandBase {
  readonly groupId: string;
  readonly userId: string;
  readonly commandId: string;
  readonly at: number;
}

/** `created`: false when the group id already existed (a redelivered create). */
export type CreateGroupResult = { groupId: string; created: boolean };
/** What the group service answers: `create`'s result, the members an `invite` added, an `apply`'s status, else done. */
export type GroupCommandResult =
  CreateGroupResult | { done: true } | { added: string[] } | { status: 'joined' | 'pending' };

/** Group commands from the HTTP API. Key: the group id. Producer: gateway. Consumer: group service (request/reply). */
export const GROUP_COMMANDS = requestTopic<GroupCommand, GroupCommandResult>()('im.group.commands', (c) => c.groupId, {
  key: 'the group id',
  producers: ['gateway'],
  consumer: 'group-service',
  description:
    'Group commands from the HTTP API: create, invite, kick, leave, dismiss, rename, attributes, remarks, mutes, admins, join policy, applications, ownership, expiry.',
  payloadType: 'GroupCommand',
});
