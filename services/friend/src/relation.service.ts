import type { CommandReply, RelationCommand } from '@im/bus';
import type { Logger } from '@im/common';
import type { Store } from '@im/store';

/** Owns friendships and blacklists. Every command is idempotent by its content. */
export class RelationService {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async handle(command: RelationCommand): Promise<CommandReply<{ done: true }>> {
    if (command.userId === command.targetId) return { ok: false, error: 'IM_ERR_BAD_REQUEST', reason: 'cannot target yourself' };
    switch (command.kind) {
      case 'block':
        await this.store.relations.block(command.userId, command.targetId);
        break;
      case 'unblock':
        await this.store.relations.unblock(command.userId, command.targetId);
        break;
    }
    this.logger.info({ kind: command.kind, userId: command.userId }, 'relation changed');
    return { ok: true, value: { done: true } };
  }
}
