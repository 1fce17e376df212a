import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImMessage } from '@im/protocol';
import type { AckAnswer } from './im-client';

/**
 * socket.io-client-java 1.0.x (Engine.IO v3), the Java client of the original protocol's era,
 * as a real process: test/java-client is a small Maven project whose jar is driven over
 * stdin/stdout, one JSON object a line (see OriginalClient.java for the commands and events).
 */
export const JAVA_CLIENT_DIR = resolve(__dirname, '..', 'java-client');
export const JAVA_CLIENT_JAR = join(JAVA_CLIENT_DIR, 'target', 'original-client.jar');
const INSTALL_HINT = 'apt-get update && apt-get install -y openjdk-17-jdk-headless maven';

/** Fails loudly (never skips) when a command the Java client needs is not on the PATH. */
function requireCommand(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new Error(
      `\`${command}\` is needed to build and run the Java client (test/java-client) but ${r.error ? `could not run: ${r.error.message}` : `exited ${String(r.status)}: ${r.stderr}`}. Install it with: ${INSTALL_HINT}`,
    );
  }
}

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/**
 * Builds target/original-client.jar with Maven unless it is newer than the pom and the sources.
 * The first build on a machine downloads the library and Maven's plugins from Maven Central.
 */
export async function buildJavaClient(): Promise<string> {
  requireCommand('java', ['-version']);
  const sources = Math.max(newestMtime(join(JAVA_CLIENT_DIR, 'pom.xml')), newestMtime(join(JAVA_CLIENT_DIR, 'src')));
  if (existsSync(JAVA_CLIENT_JAR) && statSync(JAVA_CLIENT_JAR).mtimeMs > sources) return JAVA_CLIENT_JAR;
  requireCommand('mvn', ['-v']);
  const output: string[] = [];
  const code = await new Promise<number | null>((done, fail) => {
    const mvn = spawn('mvn', ['-q', '-B', '-Dstyle.color=never', 'package'], { cwd: JAVA_CLIENT_DIR });
    mvn.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    mvn.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    mvn.on('error', fail);
    mvn.on('close', done);
  });
  if (code !== 0 || !existsSync(JAVA_CLIENT_JAR)) {
    throw new Error(
      `\`mvn -q package\` in ${JAVA_CLIENT_DIR} failed (exit ${String(code)}):\n${output.join('').slice(-4000)}`,
    );
  }
  return JAVA_CLIENT_JAR;
}

export interface JavaEvent {
  readonly event: string;
  readonly args?: unknown[];
  readonly [key: string]: unknown;
}

export interface JavaConnectOptions {
  /** Engine.IO transports; left out, the library's own default (polling, then the upgrade to websocket). */
  readonly transports?: string[];
  /** Acknowledge downlinks (default true); false is a device that dies before acking. */
  readonly autoAck?: boolean;
}

/** One Java process: one device. */
export class JavaClient {
  readonly events: JavaEvent[] = [];
  readonly stderr: string[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcessWithoutNullStreams,
  ) {
    createInterface({ input: proc.stdout }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as JavaEvent);
      } catch {
        this.events.push({ event: 'unparsed', line });
      }
      this.notify();
    });
    proc.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    proc.on('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  /** Starts the JVM (the slow part) and resolves once the client reports `started`. */
  static async start(name: string, jar = JAVA_CLIENT_JAR): Promise<JavaClient> {
    const c = new JavaClient(name, spawn('java', ['-XX:TieredStopAtLevel=1', '-jar', jar]));
    await c.waitFor(() => c.has('started'), 20_000, 'the JVM to start');
    return c;
  }

  get library(): string {
    return String(this.events.find((e) => e.event === 'started')?.library);
  }

  /** Connects with the token in the handshake query, as the original clients did, and resolves at the server's `ready`. */
  async connect(url: string, token: string, options: JavaConnectOptions = {}): Promise<void> {
    this.write({
      op: 'connect',
      url,
      token,
      ...(options.transports ? { transports: options.transports } : {}),
      autoAck: options.autoAck !== false,
    });
    await this.waitFor(() => this.has('ready') || this.has('error') || this.has('connect_error'), 15_000, 'ready');
    const failed = this.events.find((e) => e.event === 'error' || e.event === 'connect_error');
    if (failed) throw new Error(`${this.name}: ${failed.event} ${JSON.stringify(failed.args)}`);
  }

  /** Emits the payload as it is (a string stays a Java String) and resolves with the server's ack. */
  async send(payload: unknown, event = 'chat'): Promise<AckAnswer> {
    const id = this.nextId++;
    this.write({ op: 'send', id, event, payload });
    await this.waitFor(
      () => this.events.some((e) => e.event === 'ack' && e.id === id),
      10_000,
      `the ack of send ${id}`,
    );
    const ack = this.events.find((e) => e.event === 'ack' && e.id === id);
    return (ack?.args ?? [])[0] as AckAnswer;
  }

  /** Downlinks on `chat`, in arrival order. */
  get received(): ImMessage[] {
    return this.events.filter((e) => e.event === 'chat').map((e) => (e.args ?? [])[0] as ImMessage);
  }

  ofType(type: number): ImMessage[] {
    return this.received.filter((m) => m.messageType === type);
  }

  has(event: string): boolean {
    return this.events.some((e) => e.event === event);
  }

  /** Connected and not yet disconnected. */
  get connected(): boolean {
    return this.has('connect') && !this.has('disconnect') && !this.exited;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((done, fail) => {
      const check = (): void => {
        if (predicate()) {
          cleanup();
          done();
        } else if (this.exited) {
          cleanup();
          fail(new Error(`${this.name}: the Java client exited while waiting for ${what}; ${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`${this.name}: timed out waiting for ${what}; ${this.describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Closes the socket and waits for the process to end (killing it after 5 s). */
  async close(): Promise<void> {
    if (this.exited) return;
    this.write({ op: 'close' });
    try {
      await this.waitFor(() => this.exited, 5000, 'exit');
    } catch {
      this.proc.kill('SIGKILL');
    }
  }

  private describe(): string {
    return `events: ${JSON.stringify(this.events).slice(-3000)}; stderr: ${this.stderr.join('').slice(-2000)}`;
  }

  private write(command: Record<string, unknown>): void {
    if (this.exited) throw new Error(`${this.name}: the Java client has exited; ${this.describe()}`);
    this.proc.stdin.write(`${JSON.stringify(command)}\n`);
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
