import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadConfig, signToken, systemClock } from '@im/common';
import type { Clock } from '@im/common';
import { EMBEDDED_CONFIG, startEmbedded } from '@im/embedded';
import type { EmbeddedServer } from '@im/embedded';
import { ImTestClient } from './im-client';
import type { ClientOptions } from './im-client';

export const TEST_SECRET = 'test-secret-for-e2e-only';

export function tokenFor(
  userId: string,
  extra: { name?: string; avatar?: string; expInSeconds?: number } = {},
): string {
  const exp = Math.floor(Date.now() / 1000) + (extra.expInSeconds ?? 3600);
  return signToken(
    {
      sub: userId,
      exp,
      ...(extra.name ? { name: extra.name } : {}),
      ...(extra.avatar ? { avatar: extra.avatar } : {}),
    },
    TEST_SECRET,
  );
}

/** A real embedded server on a free port with its own data folder, and clients for it. */
export class EmbeddedHarness {
  server!: EmbeddedServer;
  readonly clients: ImTestClient[] = [];

  private constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly clock: Clock,
  ) {}

  /** `clock`: the server's clock (a ManualClock drives timeouts in tests); default the system clock. */
  static async start(
    env: Record<string, string> = {},
    dataDir?: string,
    clock: Clock = systemClock,
  ): Promise<EmbeddedHarness> {
    const h = new EmbeddedHarness(dataDir ?? mkdtempSync(join(tmpdir(), 'im-e2e-')), env, clock);
    await h.boot();
    return h;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  async connect(userId: string, options: ClientOptions = {}): Promise<ImTestClient> {
    const c = await ImTestClient.connect(this.url, userId, tokenFor(userId), options);
    this.clients.push(c);
    return c;
  }

  async http(
    method: string,
    path: string,
    userId: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (userId) headers.authorization = `Bearer ${tokenFor(userId)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async createGroup(ownerId: string, memberIds: string[], name = 'group'): Promise<string> {
    const res = await this.http('POST', '/v1/groups', ownerId, { name, memberIds });
    if (res.status !== 201) throw new Error(`create group: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.groupId as string;
  }

  /** Stops the server (keeping the data folder) and starts it again on a new port. */
  async restart(): Promise<void> {
    this.closeClients();
    await this.server.close();
    await this.boot();
  }

  closeClients(): void {
    for (const c of this.clients.splice(0)) c.close();
  }

  async stop(keepData = false): Promise<void> {
    this.closeClients();
    await this.server.close();
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    // A short ack timeout so no server timer outlives a test.
    const config = loadConfig(EMBEDDED_CONFIG, {
      IM_PORT: '0',
      IM_HOST: '127.0.0.1',
      IM_DATA_DIR: this.dataDir,
      IM_ACK_TIMEOUT_MS: '1500',
      ...this.env,
    });
    this.server = await startEmbedded(
      config,
      TEST_SECRET,
      createLogger({ level: process.env.IM_TEST_LOG_LEVEL ?? 'silent' }),
      this.clock,
    );
  }
}
