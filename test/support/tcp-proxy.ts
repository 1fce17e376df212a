import { createServer, Socket } from 'node:net';
import type { Server } from 'node:net';

/**
 * A TCP proxy on loopback for fault tests: clients (a test client, or a service's Redis or
 * MongoDB driver) connect to it instead of the real server, and the test decides when the
 * connection breaks.
 *
 * - `down()`: every open connection is cut and new ones are closed at once (the server is
 *   unreachable); `up()` ends that; `outage(ms)` is the two, `ms` apart.
 * - `swallowDownstream()`: from now on, bytes from the server to the clients are dropped
 *   (a request gets through, its answer never arrives); `cutAll()` then breaks the connections.
 * - `impair()`: every chunk, both ways, is held `delayMs`; a fraction `lossRate` of them is held
 *   `retransmitMs` longer, which is how TCP presents a lost segment to the application (it is
 *   retransmitted; everything behind it waits). Order is kept. This stands in for `tc netem`,
 *   which needs kernel modules this machine does not have.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private isDown = false;
  private swallowing = false;
  private impairment: Impairment | undefined;
  /** Connections accepted over the proxy's life. */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const holder: { proxy?: TcpProxy } = {};
    const server = createServer((client) => holder.proxy?.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    holder.proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return holder.proxy;
  }

  /** `scheme://127.0.0.1:<proxy port>` with the path and query of `url` (whose host it stands in for). */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  down(): void {
    this.isDown = true;
    this.cutAll();
  }

  up(): void {
    this.isDown = false;
    this.swallowing = false;
  }

  /** `down()`, then `up()` after `ms`; resolves when the server is reachable again. */
  async outage(ms: number): Promise<void> {
    this.down();
    await new Promise((r) => setTimeout(r, ms));
    this.up();
  }

  impair(impairment: Impairment | undefined): void {
    this.impairment = impairment;
  }

  swallowDownstream(): void {
    this.swallowing = true;
  }

  cutAll(): void {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    this.accepted++;
    if (this.isDown) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    const toUpstream = this.forwarder(upstream);
    const toClient = this.forwarder(client);
    client.on('data', (d: Buffer) => toUpstream(d));
    upstream.on('data', (d: Buffer) => {
      if (!this.swallowing) toClient(d);
    });
    upstream.connect(port, host);
  }

  /**
   * Writes to `to`, through the impairment when there is one. Chunks wait in one queue per
   * direction and leave it one at a time, so their order (the byte stream) is kept even when a
   * "lost" one is held longer than those behind it.
   */
  private forwarder(to: Socket): (d: Buffer) => void {
    const queue: { at: number; d: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      while (queue.length > 0 && queue[0]!.at <= Date.now()) {
        const { d } = queue.shift()!;
        if (!to.destroyed) to.write(d);
      }
      if (queue.length > 0) timer = setTimeout(pump, queue[0]!.at - Date.now());
    };
    return (d) => {
      const imp = this.impairment;
      if (!imp && queue.length === 0) {
        to.write(d);
        return;
      }
      const at = Date.now() + (imp ? imp.delayMs + (imp.random() < imp.lossRate ? imp.retransmitMs : 0) : 0);
      // Nothing overtakes what is ahead of it: a held chunk holds everything behind it.
      queue.push({ at: Math.max(at, queue[queue.length - 1]?.at ?? 0), d });
      timer ??= setTimeout(pump, queue[0]!.at - Date.now());
    };
  }
}

export interface Impairment {
  readonly delayMs: number;
  readonly lossRate: number;
  /** Extra hold of a "lost" chunk (its retransmission). */
  readonly retransmitMs: number;
  readonly random: () => number;
}
