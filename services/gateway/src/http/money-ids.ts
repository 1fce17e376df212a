import { derivedId } from '@im/common';
import type { RoutesContext } from './routes.context';

/** What a money request makes. AA collections and payment requests share one kind, as their ids always did. */
export type MoneyRecordKind = 'red-packet' | 'transfer' | 'collection';

/** The id such a request got before ids were decimal: derived from the sender and the requestId. */
function legacyId(kind: MoneyRecordKind, sub: string, requestId: string): string {
  switch (kind) {
    case 'red-packet':
      return `rp-${derivedId([sub, requestId])}`;
    case 'transfer':
      return `tr-${derivedId([sub, requestId])}`;
    case 'collection':
      return `pc-${derivedId(['collection', sub, requestId])}`;
  }
}

async function exists(ctx: RoutesContext, kind: MoneyRecordKind, id: string): Promise<boolean> {
  switch (kind) {
    case 'red-packet':
      return (await ctx.store.redPackets.get(id)) !== undefined;
    case 'transfer':
      return (await ctx.store.transfers.get(id)) !== undefined;
    case 'collection':
      return (await ctx.store.collections.get(id)) !== undefined;
  }
}

/**
 * The id of the red packet, transfer or collection that `sub`'s request `requestId` makes: a new
 * decimal id the first time, the same id on every retry, concurrent ones included (the first claim
 * of the request's key wins). So the wallet service's idempotency by id stays the request's: its
 * commands, keyed and laned by that id, never make a second record nor move money twice. A request
 * first made before decimal ids finds its record under the old derived id (docs/money.md).
 */
export async function moneyRecordId(
  ctx: RoutesContext,
  kind: MoneyRecordKind,
  sub: string,
  requestId: string,
): Promise<string> {
  const legacy = legacyId(kind, sub, requestId);
  if (await exists(ctx, kind, legacy)) return legacy;
  return ctx.store.requestIds.claim(JSON.stringify([kind, sub, requestId]), ctx.ids.next(), ctx.clock.now());
}

/**
 * True when a money record that `posterId` posted to the user or group `targetId` is in one of
 * `userId`'s conversations: they posted it, it was sent to them, or to a group they are in.
 */
export async function inConversationOf(
  ctx: RoutesContext,
  userId: string,
  record: { readonly posterId: string; readonly targetType: 'user' | 'group'; readonly targetId: string },
): Promise<boolean> {
  if (record.posterId === userId) return true;
  if (record.targetType === 'user') return record.targetId === userId;
  return (await ctx.store.groups.member(record.targetId, userId)) !== undefined;
}
