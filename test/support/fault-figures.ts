import type { ImMessage } from '@im/protocol';
import type { ImTestClient } from './im-client';

export interface SendFigures {
  sent: ImMessage[];
  acked: Set<string>;
  /** msgId → time of the first send (ms since epoch), for latencies. */
  firstSentAt: Map<string, number>;
  /** Sends that got an error answer or no answer in time (each retried with the same msgId). */
  failedAttempts: number;
}

/**
 * Sends `count` messages with a window of 10 in-flight sends; a send that gets an error or no ack
 * in time is retried with the same msgId (up to `attempts` times, `retryDelayMs` apart), as a
 * client does. `beforeRetry` may hand back another client (after a reconnect).
 */
export async function sendMany(
  from: ImTestClient | (() => ImTestClient),
  to: string,
  count: number,
  options: {
    onAcked?: (n: number) => Promise<void> | void;
    attempts?: number;
    retryDelayMs?: number;
    ackTimeoutMs?: number;
    window?: number;
  } = {},
): Promise<SendFigures> {
  const client = typeof from === 'function' ? from : () => from;
  const sent: ImMessage[] = [];
  const acked = new Set<string>();
  const firstSentAt = new Map<string, number>();
  let failedAttempts = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const m = client().message(to, `bulk ${next++}`);
      sent.push(m);
      firstSentAt.set(m.msgId, Date.now());
      for (let attempt = 0; attempt < (options.attempts ?? 6) && !acked.has(m.msgId); attempt++) {
        const ack = await client()
          .send(m, options.ackTimeoutMs ?? 10_000)
          .catch(() => undefined);
        if (ack?.code === 0) {
          acked.add(m.msgId);
          await options.onAcked?.(acked.size);
        } else {
          failedAttempts++;
          await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 500));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.window ?? 10 }, worker));
  return { sent, acked, firstSentAt, failedAttempts };
}

/** Prints one fault row's figures on one line (`[name] k=v ...`); docs/reliability.md collects them. */
export function report(name: string, figures: Record<string, number | string>): void {
  process.stdout.write(
    `\n[${name}] ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}\n`,
  );
}

export interface DeliveryFigures {
  delivered: number;
  duplicates: number;
  outOfOrder: number;
}

/** Per device: how many acked messages arrived (type 2), duplicates, and seq order violations. */
export function deliveryFigures(device: ImTestClient | ImTestClient[], acked: Set<string>): DeliveryFigures {
  const seen = new Map<string, number>();
  let outOfOrder = 0;
  let lastSeq = 0;
  for (const d of Array.isArray(device) ? device : [device]) {
    for (const m of d.ofType(2)) {
      seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
      if ((m.seq ?? 0) <= lastSeq) outOfOrder++;
      lastSeq = m.seq ?? 0;
    }
  }
  const delivered = [...acked].filter((id) => seen.has(id)).length;
  const duplicates = [...seen.values()].reduce((s, n) => s + (n - 1), 0);
  return { delivered, duplicates, outOfOrder };
}

/** p99 (ms) from each message's first send to its first arrival on `device`. */
export function deliveryP99(devices: ImTestClient[], figures: SendFigures): number {
  const lat: number[] = [];
  for (const [id, t0] of figures.firstSentAt) {
    const arrived = devices.map((d) => d.arrivedAt.get(id)).filter((t): t is number => t !== undefined);
    if (arrived.length > 0) lat.push(Math.min(...arrived) - t0);
  }
  lat.sort((a, b) => a - b);
  return lat.length === 0 ? 0 : lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))]!;
}

/** Every type-2 message of a conversation from the history API, all pages. */
export async function historyOf(
  http: (path: string) => Promise<{ status: number; body: { messages: ImMessage[] } }>,
  peerId: string,
): Promise<ImMessage[]> {
  const history: ImMessage[] = [];
  for (let after = 0; ;) {
    const page = await http(`/v1/messages?peerId=${encodeURIComponent(peerId)}&afterSeq=${after}&limit=500`);
    if (page.status !== 200) throw new Error(`history: ${page.status}`);
    history.push(...page.body.messages);
    if (page.body.messages.length < 500) break;
    after = page.body.messages[page.body.messages.length - 1]!.seq ?? 0;
  }
  return history;
}

/**
 * The end of a fault row: every acknowledged message arrives on each device (waited for), the
 * history holds each acknowledged message once, and nothing is duplicated or out of order. Prints
 * the row's figures, one line per device.
 */
export async function expectNothingLost(
  row: string,
  history: () => Promise<ImMessage[]>,
  devices: Record<string, ImTestClient>,
  figures: SendFigures,
  waitMs = 120_000,
  /** What the servers logged of trouble (`ClusterHarness.trouble`), added to a timeout's message. */
  trouble?: () => string,
): Promise<void> {
  await waitForEveryAcked(row, history, devices, figures, waitMs, trouble);
  const storedIds = (await history()).map((m) => m.msgId);
  const stored = new Set(storedIds);
  for (const [name, d] of Object.entries(devices)) {
    const f = deliveryFigures(d, figures.acked);
    report(Object.keys(devices).length > 1 ? `${row}: ${name}` : row, {
      sent: figures.sent.length,
      acked: figures.acked.size,
      failedAttempts: figures.failedAttempts,
      stored: stored.size,
      storedCopies: storedIds.length,
      delivered: f.delivered,
      duplicates: f.duplicates,
      outOfOrder: f.outOfOrder,
      p99ms: deliveryP99([d], figures),
    });
    expect(f).toEqual({ delivered: figures.acked.size, duplicates: 0, outOfOrder: 0 });
  }
  expect(figures.acked.size).toBe(figures.sent.length);
  await expectAllStored(row, history, devices, figures, storedIds);
}

/** Waits until every acknowledged message arrived on each device; on a timeout, says which are missing and whether they are stored. */
export async function waitForEveryAcked(
  row: string,
  history: () => Promise<ImMessage[]>,
  devices: Record<string, ImTestClient>,
  figures: SendFigures,
  waitMs: number,
  trouble?: () => string,
): Promise<void> {
  for (const [name, d] of Object.entries(devices)) {
    try {
      await d.waitFor(
        () => deliveryFigures(d, figures.acked).delivered === figures.acked.size,
        waitMs,
        'every acked message',
      );
    } catch (e) {
      const logged = trouble ? `\nwhat the servers logged of trouble:\n${trouble()}` : '';
      throw new Error(`${row}: ${name}: ${(e as Error).message}; ${await whatIsMissing(d, figures, history)}${logged}`);
    }
  }
}

/**
 * The history (`storedIds`, as read after the deliveries) holds every acknowledged message, each
 * once. A message delivered but not in the history is named, with the seq it arrived at and
 * whether a second read of the history finds it (a read that missed it, or a store that lost it).
 */
export async function expectAllStored(
  row: string,
  history: () => Promise<ImMessage[]>,
  devices: Record<string, ImTestClient>,
  figures: SendFigures,
  storedIds: string[],
): Promise<void> {
  const stored = new Set(storedIds);
  const notStored = [...figures.acked].filter((id) => !stored.has(id));
  if (notStored.length > 0) {
    const secondRead = await history();
    const again = new Set(secondRead.map((m) => m.msgId));
    const seqOf = new Map(Object.values(devices).flatMap((d) => d.ofType(2).map((m) => [m.msgId, m.seq] as const)));
    const historySeqs = secondRead.map((m) => m.seq ?? 0);
    const seqs =
      historySeqs.length > 0
        ? `history seqs ${Math.min(...historySeqs)}..${Math.max(...historySeqs)} (${historySeqs.length})`
        : 'history empty';
    const shown = notStored
      .slice(0, 10)
      .map(
        (id) =>
          `${id} (arrived as seq ${seqOf.get(id) ?? '?'}; ${again.has(id) ? 'in a second read' : 'not in a second read either'})`,
      );
    throw new Error(
      `${row}: ${notStored.length} acked and delivered message(s) missing from the history: ${shown.join(', ')}; ${seqs}`,
    );
  }
  expect(stored.size).toBe(storedIds.length);
}

/** For a failed wait: which acked messages a device lacks, and whether the history has them (and at which seq). */
async function whatIsMissing(
  device: ImTestClient,
  figures: SendFigures,
  history: () => Promise<ImMessage[]>,
): Promise<string> {
  const arrived = new Set(device.ofType(2).map((m) => m.msgId));
  const missing = [...figures.acked].filter((id) => !arrived.has(id));
  const stored = new Map((await history().catch(() => [])).map((m) => [m.msgId, m.seq]));
  const lastSeq = Math.max(0, ...device.ofType(2).map((m) => m.seq ?? 0));
  const shown = missing.slice(0, 10).map((id) => `${id}@${stored.get(id) ?? 'not stored'}`);
  return `${missing.length} of ${figures.acked.size} acked missing (first: ${shown.join(', ')}); highest seq arrived ${lastSeq}, stored ${stored.size}`;
}
