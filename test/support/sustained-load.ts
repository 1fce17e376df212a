// The "sustained" variants of the fault rows (docs/reliability.md): several senders at a steady
// total rate (`IM_FAULT_RATE` msgs/s, for `IM_FAULT_SECONDS` s) with a fault in the middle, then
// the checks of the quick rows over every conversation, and one figures line per row.
import type { ImMessage } from '@im/protocol';
import type { ClusterHarness } from './cluster-harness';
import { deliveryFigures, deliveryP99, expectAllStored, historyOf, report, waitForEveryAcked } from './fault-figures';
import type { SendFigures } from './fault-figures';
import type { ImTestClient } from './im-client';

/** The total send rate of a sustained row (msgs/s over all its conversations). */
export const FAULT_RATE = Number(process.env.IM_FAULT_RATE ?? 300);
/** How long a sustained row sends. */
export const FAULT_SECONDS = Number(process.env.IM_FAULT_SECONDS ?? 20);
/** A row whose senders reached less than this share of `FAULT_RATE` did not test what it claims. */
const MIN_RATE_SHARE = 0.8;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One conversation of a sustained row: a sender, the receiver's devices, the receiver's history. */
export interface Conversation {
  readonly sender: ImTestClient;
  readonly to: string;
  readonly devices: Record<string, ImTestClient>;
  readonly history: () => Promise<ImMessage[]>;
}

/**
 * `count` conversations of a row (user ids `<prefix>-s<i>` to `<prefix>-r<i>`): sender i on
 * gateway i % 2, the receiver's devices on alternating gateways starting with the other one.
 */
export async function openConversations(
  h: ClusterHarness,
  prefix: string,
  count = 6,
  deviceIds: string[] = ['phone'],
): Promise<Conversation[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const [from, to] = [`${prefix}-s${i}`, `${prefix}-r${i}`];
      const devices: Record<string, ImTestClient> = {};
      for (const [k, deviceId] of deviceIds.entries())
        devices[deviceId] = await h.connect((i + k + 1) % 2, to, { deviceId });
      const sender = await h.connect(i % 2, from);
      return { sender, to, devices, history: () => historyOf((p) => h.http(i % 2, 'GET', p, to), from) };
    }),
  );
}

export interface SustainedRun {
  readonly conversations: SendFigures[];
  /** First sends per second over the traffic window (the rate the row really put on the cluster). */
  readonly rate: number;
  /** Acknowledgements that arrived within the traffic window, per second. */
  readonly ackRate: number;
  /** When the fault began and was lifted (ms since epoch). */
  readonly faultStart: number;
  readonly faultEnd: number;
}

/**
 * Sends to every conversation at `rate` msgs/s in total for `seconds`, open loop: message k is due
 * at start + k / rate whatever the answers to earlier ones, so a stall is made up for as soon as
 * the cluster takes messages again (at most `maxInFlight` unanswered per conversation, so an
 * outage does not pile up without bound). A send that gets an error or no ack in time is retried
 * with the same msgId, with a growing delay, as a client does. `fault` starts at `faultAtSec`
 * and resolves when the fault is lifted.
 */
export async function sendSustained(
  conversations: Conversation[],
  options: {
    fault: () => Promise<void>;
    faultAtSec: number;
    rate?: number;
    seconds?: number;
    ackTimeoutMs?: number;
    maxInFlight?: number;
  },
): Promise<SustainedRun> {
  const rate = options.rate ?? FAULT_RATE;
  const seconds = options.seconds ?? FAULT_SECONDS;
  const maxInFlight = options.maxInFlight ?? Math.max(50, Math.ceil((rate * 3) / conversations.length));
  const figures: SendFigures[] = conversations.map(() => ({
    sent: [],
    acked: new Set<string>(),
    firstSentAt: new Map<string, number>(),
    failedAttempts: 0,
  }));
  const inFlight = conversations.map(() => 0);
  const sends: Promise<void>[] = [];
  let ackedInWindow = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  const sendOne = async (i: number): Promise<void> => {
    const c = conversations[i]!;
    const f = figures[i]!;
    const m = c.sender.message(c.to, `sustained ${f.sent.length}`);
    f.sent.push(m);
    f.firstSentAt.set(m.msgId, Date.now());
    inFlight[i]!++;
    // A client gives up on a message after a while; two minutes is far past any fault here.
    for (let attempt = 0; Date.now() - f.firstSentAt.get(m.msgId)! < 120_000; attempt++) {
      const ack = await c.sender.send(m, options.ackTimeoutMs ?? 5000).catch(() => undefined);
      if (ack?.code === 0) {
        f.acked.add(m.msgId);
        if (Date.now() <= end) ackedInWindow++;
        break;
      }
      f.failedAttempts++;
      await sleep(Math.min(2000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
    inFlight[i]!--;
  };
  let faultStart = 0;
  let faultEnd = 0;
  const fault = (async () => {
    await sleep(options.faultAtSec * 1000);
    faultStart = Date.now();
    await options.fault();
    faultEnd = Date.now();
  })();
  void fault.catch(() => undefined); // thrown by the `await fault` below, after the traffic
  let offered = 0;
  let next = 0;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    // Round robin over the conversations; one that has too much unanswered is passed over.
    for (let tries = 0; offered < due && tries < conversations.length; tries++) {
      const i = next++ % conversations.length;
      if (inFlight[i]! >= maxInFlight) continue;
      sends.push(sendOne(i));
      offered++;
      tries = -1;
    }
    await sleep(5);
  }
  await Promise.all(sends);
  await fault;
  return {
    conversations: figures,
    rate: Math.round(offered / seconds),
    ackRate: Math.round(ackedInWindow / seconds),
    faultStart,
    faultEnd,
  };
}

/** A sustained row: `sendSustained`, then `expectSustainedNothingLost` (with `extra` figures, read after the traffic). */
export async function sustainedRow(
  row: string,
  conversations: Conversation[],
  options: Parameters<typeof sendSustained>[1] & { extra?: () => Record<string, number | string> },
): Promise<void> {
  const run = await sendSustained(conversations, options);
  await expectSustainedNothingLost(row, conversations, run, options.extra?.());
}

/**
 * The end of a sustained row: each device sends a type 1 (sync), then every acknowledged message
 * must be on every device once, in seq order, and in the history once. Prints one figures line:
 * the totals over every conversation and device, the achieved rate, and the recovery time (from
 * the fault's end until every message acknowledged before it had reached every device). Fails
 * loudly when the senders reached less than 80 % of the rate asked for.
 */
export async function expectSustainedNothingLost(
  row: string,
  conversations: Conversation[],
  run: SustainedRun,
  extra: Record<string, number | string> = {},
  waitMs = 180_000,
): Promise<void> {
  for (const c of conversations)
    for (const d of Object.values(c.devices)) if (d.connected) await d.sendReady().catch(() => undefined);
  const totals = { sent: 0, acked: 0, failedAttempts: 0, stored: 0, storedCopies: 0 };
  const delivery = { delivered: 0, duplicates: 0, outOfOrder: 0, lost: 0 };
  let recoveryMs = 0;
  let p99ms = 0;
  const stored: string[][] = [];
  for (const [i, c] of conversations.entries()) {
    const f = run.conversations[i]!;
    await waitForEveryAcked(`${row} conversation ${i}`, c.history, c.devices, f, waitMs);
    const ids = (await c.history()).map((m) => m.msgId);
    stored.push(ids);
    totals.sent += f.sent.length;
    totals.acked += f.acked.size;
    totals.failedAttempts += f.failedAttempts;
    totals.stored += new Set(ids).size;
    totals.storedCopies += ids.length;
    const before = [...f.acked].filter((id) => f.firstSentAt.get(id)! < run.faultEnd);
    for (const d of Object.values(c.devices)) {
      const df = deliveryFigures(d, f.acked);
      delivery.delivered += df.delivered;
      delivery.duplicates += df.duplicates;
      delivery.outOfOrder += df.outOfOrder;
      delivery.lost += f.acked.size - df.delivered;
      p99ms = Math.max(p99ms, deliveryP99([d], f));
      for (const id of before) recoveryMs = Math.max(recoveryMs, (d.arrivedAt.get(id) ?? 0) - run.faultEnd);
    }
  }
  const devices = conversations.reduce((n, c) => n + Object.keys(c.devices).length, 0);
  report(row, {
    conversations: conversations.length,
    devices,
    ...totals,
    ...delivery,
    rate: `${run.rate}/s`,
    setting: `${FAULT_RATE}/s`,
    ackRate: `${run.ackRate}/s`,
    faultMs: run.faultEnd - run.faultStart,
    recoveryMs,
    p99ms,
    ...extra,
  });
  if (run.rate < FAULT_RATE * MIN_RATE_SHARE)
    throw new Error(
      `${row}: the senders reached ${run.rate} msgs/s, less than ${MIN_RATE_SHARE * 100} % of IM_FAULT_RATE=${FAULT_RATE}: ` +
        'this run did not test the row at its rate (a machine too loaded, or a setting above what it sustains)',
    );
  for (const [i, c] of conversations.entries()) {
    const f = run.conversations[i]!;
    for (const d of Object.values(c.devices))
      expect(deliveryFigures(d, f.acked)).toEqual({ delivered: f.acked.size, duplicates: 0, outOfOrder: 0 });
    expect(f.acked.size).toBe(f.sent.length);
    await expectAllStored(`${row} conversation ${i}`, c.history, c.devices, f, stored[i]!);
  }
}
