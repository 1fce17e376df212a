import type { Logger } from './logger';

export interface PeriodicTaskOptions {
  /** Names the task in the log line of a failed run. */
  readonly name: string;
  /** Time between ticks. A tick that finds the previous run still under way is skipped, never queued. */
  readonly everyMs: number;
  /** A failed run is logged here at `warn` (unless `onError` is given) and never thrown; the next tick runs again. */
  readonly logger: Logger;
  /** Replaces the default `warn` line for a failed run, e.g. to log once per outage. */
  readonly onError?: (err: unknown) => void;
  /** Also runs once at start, before the first interval (default false). */
  readonly runAtStart?: boolean;
}

export interface PeriodicTask {
  /** Runs now unless a run is under way, and resolves when that run is over. Never rejects. */
  runNow(): Promise<void>;
  /** No more runs; resolves when a run under way is over. Calling it again is harmless. */
  stop(): Promise<void>;
}

/**
 * The one shape of every sweep and periodic loop: one run at a time, errors logged (a timer
 * callback has nobody to throw to), an unref'd timer (a pending tick never keeps a process
 * alive), and a stop that waits for the run under way so nothing writes after its owner closed.
 */
export function startPeriodicTask(run: () => Promise<unknown>, options: PeriodicTaskOptions): PeriodicTask {
  let running: Promise<void> | undefined;
  let stopped = false;
  const onError =
    options.onError ??
    ((err: unknown) => options.logger.warn({ err, task: options.name }, `${options.name} failed; retrying next tick`));

  const runNow = (): Promise<void> => {
    if (stopped) return running ?? Promise.resolve();
    // Called at once; a synchronous throw becomes a rejection like any other failure.
    running ??= new Promise<unknown>((resolve) => resolve(run()))
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => void runNow(), options.everyMs);
  timer.unref();
  if (options.runAtStart) void runNow();
  return {
    runNow,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
