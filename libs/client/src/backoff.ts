/** How long to wait before attempt `attempt` (0-based): exponential, capped, with full jitter in [½, 1] of it. */
export interface BackoffOptions {
  /** The first wait, ms (default 250). */
  readonly initialMs?: number;
  /** The longest wait, ms (default 10 000). */
  readonly maxMs?: number;
  /** A number in [0, 1); Math.random by default (tests may pass their own). */
  readonly random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A timer promise that a `cancel` ends early (resolving false). */
export function sleep(ms: number): { promise: Promise<boolean>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done: (v: boolean) => void = () => undefined;
  const promise = new Promise<boolean>((resolve) => {
    done = resolve;
    timer = setTimeout(() => resolve(true), ms);
  });
  return {
    promise,
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      done(false);
    },
  };
}
