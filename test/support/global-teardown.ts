/** How long jest's main process may stay up after the run before the watchdog ends it. */
const EXIT_WATCHDOG_MS = 30_000;

export default async function globalTeardown(): Promise<void> {
  armExitWatchdog();
  if (process.env.IM_TEST_NO_INFRA === '1' || process.env.IM_TEST_KEEP_INFRA === '1') return;
  const { stopInfra } = await import('./infra');
  await stopInfra();
}

/**
 * Once the run is over, nothing may keep jest's main process alive: a socket left open there
 * (once, a Kafka client of the warm-up) made CI wait for its time limit with every test
 * passed. The watchdog names what is still open and exits; jest's own exit listener keeps the
 * run's verdict as the exit code. It is unref'd, so a clean run exits at once without it.
 */
function armExitWatchdog(): void {
  const timer = setTimeout(() => {
    const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
    const described = handles.map((h) => {
      const s = h as { constructor: { name: string }; remoteAddress?: string; remotePort?: number; pid?: number };
      const where = s.remoteAddress ? ` ${s.remoteAddress}:${s.remotePort}` : s.pid ? ` pid ${s.pid}` : '';
      return `${s.constructor.name}${where}`;
    });
    process.stderr.write(
      `\n[global-teardown] jest's main process was still up ${EXIT_WATCHDOG_MS / 1000}s after the run, ` +
        `held by: ${described.join(', ') || 'nothing visible'}. Exiting; this is a leak in test/support to fix.\n`,
    );
    process.exit();
  }, EXIT_WATCHDOG_MS);
  timer.unref();
}
