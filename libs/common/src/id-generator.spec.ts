import { ID_EPOCH_MS, IdGenerator, decodeId } from './id-generator';

const DECIMAL_LONG = /^[1-9][0-9]{0,18}$/;
const MAX_LONG = 2n ** 63n - 1n;

/** A wall clock the test moves by hand. */
function clockAt(ms: number): { now: () => number; set: (t: number) => void } {
  let t = ms;
  return { now: () => t, set: (next) => (t = next) };
}

const increasing = (ids: readonly string[]): boolean =>
  ids.every((id, i) => i === 0 || BigInt(id) > BigInt(ids[i - 1] as string));

describe(IdGenerator.name, () => {
  it('makes decimal strings of positive numbers that fit a Java long, with the time, worker and sequence in them', () => {
    const clock = clockAt(Date.UTC(2026, 5, 1, 12));
    const ids = new IdGenerator({ worker: 1023, now: clock.now });
    const first = ids.next();
    expect(first).toMatch(DECIMAL_LONG);
    expect(BigInt(first) <= MAX_LONG).toBe(true);
    expect(decodeId(first)).toEqual({ ms: Date.UTC(2026, 5, 1, 12), worker: 1023, sequence: 0 });
    expect(decodeId(ids.next())).toEqual({ ms: Date.UTC(2026, 5, 1, 12), worker: 1023, sequence: 1 });
    // The last ms of the 41 bits (in 2093) still fits; the largest id is 2^63 - 1.
    clock.set(ID_EPOCH_MS + 2 ** 41 - 1);
    const largest = new IdGenerator({ worker: 1023, now: clock.now });
    for (let i = 0; i < 4095; i++) largest.next();
    expect(BigInt(largest.next())).toBe(MAX_LONG);
    clock.set(ID_EPOCH_MS + 2 ** 41);
    expect(() => new IdGenerator({ now: clock.now }).next()).toThrow(RangeError);
  });

  it('orders ids by time, across generators too', () => {
    const clock = clockAt(Date.UTC(2026, 0, 1));
    const a = new IdGenerator({ worker: 900, now: clock.now });
    const b = new IdGenerator({ worker: 3, now: clock.now });
    const ids = [a.next(), a.next()];
    clock.set(Date.UTC(2026, 0, 1) + 1);
    ids.push(b.next(), a.next());
    clock.set(Date.UTC(2026, 0, 1) + 2);
    ids.push(b.next());
    expect(increasing(ids)).toBe(true);
  });

  it('stays unique and increasing for a burst of more than 4096 ids in one ms, borrowing the next ms', () => {
    const clock = clockAt(Date.UTC(2026, 0, 1));
    const ids = new IdGenerator({ worker: 7, now: clock.now });
    const burst = Array.from({ length: 10_000 }, () => ids.next());
    expect(new Set(burst).size).toBe(burst.length);
    expect(increasing(burst)).toBe(true);
    expect(decodeId(burst[4095] as string)).toMatchObject({ ms: Date.UTC(2026, 0, 1), sequence: 4095 });
    expect(decodeId(burst[4096] as string)).toMatchObject({ ms: Date.UTC(2026, 0, 1) + 1, sequence: 0 });
    // The clock catches up with the borrowed ms: still increasing.
    clock.set(Date.UTC(2026, 0, 1) + 2);
    expect(BigInt(ids.next()) > BigInt(burst[burst.length - 1] as string)).toBe(true);
  });

  it('keeps increasing when the clock steps backwards', () => {
    const clock = clockAt(Date.UTC(2026, 0, 1, 10));
    const ids = new IdGenerator({ worker: 5, now: clock.now });
    const before = [ids.next(), ids.next()];
    clock.set(Date.UTC(2026, 0, 1, 9)); // an hour back (NTP correction, VM migration)
    const after = [ids.next(), ids.next()];
    expect(increasing([...before, ...after])).toBe(true);
    expect(decodeId(after[1] as string)).toMatchObject({ ms: Date.UTC(2026, 0, 1, 10), sequence: 3 });
    clock.set(Date.UTC(2026, 0, 1, 11));
    expect(BigInt(ids.next()) > BigInt(after[1] as string)).toBe(true);
  });

  it('never makes 0, even on a clock before the epoch', () => {
    const ids = new IdGenerator({ worker: 0, now: () => 0 });
    expect(ids.next()).toBe('1');
  });

  it('takes a worker from 0 to 1023, else draws one at random', () => {
    expect(() => new IdGenerator({ worker: 1024 })).toThrow(RangeError);
    expect(() => new IdGenerator({ worker: -1 })).toThrow(RangeError);
    const workers = new Set(Array.from({ length: 50 }, () => new IdGenerator().worker));
    expect(workers.size).toBeGreaterThan(1);
    for (const w of workers) expect(w >= 0 && w <= 1023).toBe(true);
    expect(new IdGenerator().next()).toMatch(DECIMAL_LONG);
  });
});
