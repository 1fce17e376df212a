import type { CommandReply, GroupCommand } from '@im/bus';
import type { Logger } from '@im/common';
import { isValidId } from '@im/protocol';
import type { Store } from '@im/store';

export interface GroupServiceOptions {
  /** Largest group at creation, owner included; default 500. */
  readonly maxMembers: number;
}

export type CreateGroupResult = { groupId: string; created: boolean };

/** Owns groups and membership. Commands are idempotent by groupId (the command id). */
export class GroupService {
  constructor(
    private readonly store: Store,
    private readonly options: GroupServiceOptions,
    private readonly logger: Logger,
  ) {}

  async handle(command: GroupCommand): Promise<CommandReply<CreateGroupResult>> {
    switch (command.kind) {
      case 'create':
        return this.create(command);
    }
  }

  private async create(c: GroupCommand & { kind: 'create' }): Promise<CommandReply<CreateGroupResult>> {
    const members = [...new Set([c.ownerId, ...c.memberIds])];
    if (!members.every(isValidId)) return { ok: false, error: 'IM_ERR_BAD_REQUEST', reason: 'memberIds must be valid user ids' };
    if (members.length > this.options.maxMembers) {
      return { ok: false, error: 'IM_ERR_BAD_REQUEST', reason: `a group has at most ${this.options.maxMembers} members` };
    }
    const created = await this.store.groups.create(
      { groupId: c.groupId, name: c.name, ownerId: c.ownerId, createdAt: c.at },
      members.map((userId) => ({ userId, role: userId === c.ownerId ? ('owner' as const) : ('member' as const) })),
    );
    if (!created) {
      const existing = await this.store.groups.get(c.groupId);
      if (existing?.ownerId !== c.ownerId) return { ok: false, error: 'IM_ERR_CONFLICT', reason: 'group id already taken' };
    }
    this.logger.info({ groupId: c.groupId, members: members.length, created }, 'group created');
    return { ok: true, value: { groupId: c.groupId, created } };
  }
}
