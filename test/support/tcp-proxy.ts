import { createServer, Socket } from 'node:net';
import type { Server } from 'node:net';

/**
 * A TCP proxy on loopback for fault tests: clients (a test client, or a service's Redis or
 * MongoDB driver) connect to it instead of the real server, and the test decides when the
 * connection breaks.
 *
 * - `down()`: every open connection is cut and new ones are closed at once (the server is
 *   unreachable); `up()` ends that.
 * - `swallowDownstream()`: from now on, bytes from the server to the clients are dropped
 *   (a request gets through, its answer never arrives); `cutAll()` then breaks the connections.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private isDown = false;
  private swallowing = false;
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
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (!this.swallowing) client.write(d);
    });
    upstream.connect(port, host);
  }
}
