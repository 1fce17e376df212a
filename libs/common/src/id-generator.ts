import { randomInt } from 'node:crypto';
import type { ConfigSchema } from './config.schema';

/**
 * The ids the server makes (groups, red packets, transfers, collections, calls): a positive 63-bit
 * number in decimal, so a client may map it to a Java `long`. Laid out as a Snowflake id:
 *
 *     0 | 41 bits: ms since ID_EPOCH_MS | 10 bits: worker | 12 bits: sequence in that ms
 *
 * One generator's ids strictly increase; ids of different processes increase with time (to the ms,
 * as far as their clocks agree). Compare them as numbers (BigInt), not as strings: they grow a
 * digit now and then. docs/protocol-notes.md, "Ids".
 */
export const ID_EPOCH_MS = Date.UTC(2024, 0, 1);
export const MAX_ID_WORKER = 1023;
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE = 4095;
const MAX_MS = 2 ** 41 - 1;

/** The variable of every process that makes ids (gateway, call service; embedded mode). */
export const ID_CONFIG = {
  IM_ID_WORKER: {
    kind: 'int',
    min: 0,
    max: MAX_ID_WORKER,
    doc: 'Worker part (0–1023) of the ids this process makes (groups, red packets, transfers, collections, calls). Unset: random at start; give each gateway and call service process its own to rule out collisions.',
  },
} as const satisfies ConfigSchema;

export interface IdGeneratorOptions {
  /** 0–1023; default: random. */
  readonly worker?: number | undefined;
  /** The wall clock in ms (default Date.now): ids follow real time, not a test's manual clock. */
  readonly now?: () => number;
}

/** Makes ids; one per process, shared by everything in it that makes ids. */
export class IdGenerator {
  readonly worker: number;
  private readonly now: () => number;
  /** The ms (since the epoch) and sequence of the last id made. */
  private lastMs = 0;
  private sequence = 0;

  constructor(options: IdGeneratorOptions = {}) {
    const worker = options.worker ?? randomInt(MAX_ID_WORKER + 1);
    if (!Number.isInteger(worker) || worker < 0 || worker > MAX_ID_WORKER)
      throw new RangeError(`id worker must be an integer from 0 to ${MAX_ID_WORKER}, got ${worker}`);
    this.worker = worker;
    this.now = options.now ?? Date.now;
  }

  /**
   * The next id. A clock that steps back, or more than 4096 ids in one ms, never makes it wait:
   * it goes on from the last ms used (borrowing the next one when its sequence is used up), and
   * the clock catches up.
   */
  next(): string {
    const ms = Math.max(Math.floor(this.now()) - ID_EPOCH_MS, 0);
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.sequence = 0;
    } else if (this.sequence < MAX_SEQUENCE) {
      this.sequence += 1;
    } else {
      this.lastMs += 1;
      this.sequence = 0;
    }
    if (this.lastMs > MAX_MS) throw new RangeError('id time is beyond 41 bits (year 2093)');
    return (
      (BigInt(this.lastMs) << (WORKER_BITS + SEQUENCE_BITS)) |
      (BigInt(this.worker) << SEQUENCE_BITS) |
      BigInt(this.sequence)
    ).toString();
  }
}

/** The parts of an id this generator made (for tests and diagnostics). */
export function decodeId(id: string): { readonly ms: number; readonly worker: number; readonly sequence: number } {
  const n = BigInt(id);
  return {
    ms: Number(n >> (WORKER_BITS + SEQUENCE_BITS)) + ID_EPOCH_MS,
    worker: Number((n >> SEQUENCE_BITS) & BigInt(MAX_ID_WORKER)),
    sequence: Number(n & BigInt(MAX_SEQUENCE)),
  };
}
