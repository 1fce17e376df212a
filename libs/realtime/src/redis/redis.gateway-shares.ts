import { encodeGatewayBatch } from './redis.delivery.codec';

/** Deliveries per gateway message: keeps one message (and one decode at the gateway) bounded. */
export const MAX_DELIVERIES_PER_GATEWAY_MESSAGE = 200;

interface Share {
  /** Distinct user lists, JSON-encoded, referenced by index. */
  readonly lists: string[];
  /** `[list index, delivery]`, JSON. */
  readonly entries: string[];
}

/**
 * Splits a batch's deliveries between the gateways that hold their users (from one presence
 * lookup) and builds one message per gateway. Recipient lists are split once per distinct list
 * (a conversation's deliveries share theirs), so a group's 500 members are partitioned once per
 * batch, not once per message.
 */
export class GatewayShares {
  private readonly shares = new Map<string, Share>();
  /** Per recipient list: the users with no gateway, and per gateway its list's index there. */
  private readonly splits = new Map<readonly string[], { unplaced: string[]; placed: [string, number][] }>();

  constructor(private readonly located: ReadonlyMap<string, readonly string[]>) {}

  /** Adds a delivery (already encoded); returns the users it could not place (to send by user). */
  add(userIds: readonly string[], payload: string): readonly string[] {
    const split = this.splits.get(userIds) ?? this.split(userIds);
    for (const [gatewayId, index] of split.placed) this.shares.get(gatewayId)?.entries.push(`[${index},${payload}]`);
    return split.unplaced;
  }

  /** One message per gateway (more when it has over the maximum of deliveries), as [gatewayId, payload]. */
  *messages(): Generator<[string, string]> {
    for (const [gatewayId, { lists, entries }] of this.shares)
      for (let i = 0; i < entries.length; i += MAX_DELIVERIES_PER_GATEWAY_MESSAGE)
        yield [gatewayId, encodeGatewayBatch(lists, entries.slice(i, i + MAX_DELIVERIES_PER_GATEWAY_MESSAGE))];
  }

  private split(userIds: readonly string[]): { unplaced: string[]; placed: [string, number][] } {
    const unplaced: string[] = [];
    const byGateway = new Map<string, string[]>();
    for (const u of new Set(userIds)) {
      const gateways = this.located.get(u);
      if (!gateways || gateways.length === 0) {
        unplaced.push(u);
        continue;
      }
      for (const g of gateways) {
        const list = byGateway.get(g);
        if (list) list.push(u);
        else byGateway.set(g, [u]);
      }
    }
    const placed: [string, number][] = [];
    for (const [gatewayId, users] of byGateway) {
      let share = this.shares.get(gatewayId);
      if (!share) {
        share = { lists: [], entries: [] };
        this.shares.set(gatewayId, share);
      }
      placed.push([gatewayId, share.lists.push(JSON.stringify(users)) - 1]);
    }
    const result = { unplaced, placed };
    this.splits.set(userIds, result);
    return result;
  }
}
