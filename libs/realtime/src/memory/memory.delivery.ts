import type { Delivery, DeliveryBatchItem, DeliveryHandler, DeliveryPort } from '../delivery.port';

export interface MemoryDeliveryHubOptions {
  /**
   * `nextTurn` (the default, embedded mode): a send is handed to the ports in the next turn of
   * the event loop, as a publish over the network would be. `sameTurn`: before `send` returns,
   * so a unit test reads what was delivered right after the call that sent it.
   */
  readonly handOver?: 'nextTurn' | 'sameTurn';
}

/** The in-process "network" between the ports of one process (embedded mode, tests). */
export class MemoryDeliveryHub {
  private readonly ports = new Set<MemoryDeliveryPort>();

  constructor(private readonly options: MemoryDeliveryHubOptions = {}) {}

  /** @internal Runs `route` as `handOver` says. */
  handOver(route: () => void): void {
    if (this.options.handOver === 'sameTurn') route();
    else setImmediate(route);
  }

  port(): MemoryDeliveryPort {
    const p = new MemoryDeliveryPort(this);
    this.ports.add(p);
    return p;
  }

  /** @internal Each port gets the delivery once and hands it to the handler of each user it listens to. */
  route(userIds: readonly string[], delivery: Delivery): void {
    const users = userIds.length > 1 ? [...new Set(userIds)] : userIds;
    for (const p of this.ports) p.receive(users, delivery);
  }

  /** @internal */
  drop(port: MemoryDeliveryPort): void {
    this.ports.delete(port);
  }
}

/**
 * Embedded mode's DeliveryPort: `send` and `sendMany` alike reach each port of the hub once per
 * delivery (the one-process form of routing by gateway), which hands it to the handler of each
 * user it listens to, in send order. Like a publish over the network, a send is handed over in
 * the next turn of the event loop (the hub's `handOver`): the sender's acknowledgement, answered
 * when the batch that stored its message is done, then leaves before the deliveries of that batch
 * (the client SDK counts its acknowledged sends to tell them from a gap it must fill from the
 * history; delivered first, each looked like a gap, and filling it cost an HTTP history call).
 */
export class MemoryDeliveryPort implements DeliveryPort {
  private readonly listening = new Map<string, number>();
  private handler: DeliveryHandler | undefined;

  constructor(private readonly hub: MemoryDeliveryHub) {}

  send(userIds: readonly string[], delivery: Delivery): Promise<void> {
    this.hub.handOver(() => this.hub.route(userIds, delivery));
    return Promise.resolve();
  }

  sendMany(items: readonly DeliveryBatchItem[]): Promise<void> {
    this.hub.handOver(() => {
      for (const { userIds, delivery } of items) this.hub.route(userIds, delivery);
    });
    return Promise.resolve();
  }

  listen(userId: string): Promise<void> {
    this.listening.set(userId, (this.listening.get(userId) ?? 0) + 1);
    return Promise.resolve();
  }

  unlisten(userId: string): Promise<void> {
    const n = (this.listening.get(userId) ?? 0) - 1;
    if (n > 0) this.listening.set(userId, n);
    else this.listening.delete(userId);
    return Promise.resolve();
  }

  onDelivery(handler: DeliveryHandler): void {
    this.handler = handler;
  }

  /** In-process, every port is reached directly: nothing to subscribe to. */
  serveGateway(): Promise<void> {
    return Promise.resolve();
  }

  /** @internal */
  receive(userIds: readonly string[], delivery: Delivery): void {
    for (const userId of userIds) if (this.listening.has(userId)) this.handler?.(userId, delivery);
  }

  close(): Promise<void> {
    this.listening.clear();
    this.hub.drop(this);
    return Promise.resolve();
  }
}
