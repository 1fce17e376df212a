import { ConfigError, createLogger, loadConfig, resolveLogFormat } from '@im/common';
import type { ConfigOf, ConfigSchema, Logger } from '@im/common';
import { markDraining } from './draining';
import { enableProcessMetrics } from './metrics';

export interface RunningProcess {
  /** Stops taking work, finishes what is in flight, releases connections. */
  close(): Promise<void>;
}

export interface ProcessSpec<S extends ConfigSchema> {
  readonly name: string;
  readonly schema: S;
  /** Extra checks over the whole configuration, e.g. variables required only in this mode. */
  readonly check?: (config: ConfigOf<S>) => string[];
  readonly start: (config: ConfigOf<S>, logger: Logger) => Promise<RunningProcess>;
  /** Longest wait for `close` on SIGTERM before exiting anyway; default 25 s. */
  readonly shutdownTimeoutMs?: number;
}

function loadOrExit<S extends ConfigSchema>(spec: ProcessSpec<S>): ConfigOf<S> {
  try {
    const config = loadConfig(spec.schema);
    const problems = spec.check?.(config) ?? [];
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${spec.name}: ${e.message}\n`);
    process.exit(2);
  }
}

/**
 * Process warnings go to the log as JSON like everything else, instead of Node's plain-text lines
 * on stderr. kafkajs 2.2 arms its request queue's throttle check with `throttledUntil - now`
 * while nothing is throttled, a negative delay: Node reports a TimeoutNegativeWarning at every
 * start and runs the timer after 1 ms, as kafkajs means it to. That one is logged at debug.
 */
function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    const kafkajsTimer = warning.name === 'TimeoutNegativeWarning' && (warning.stack ?? '').includes('kafkajs');
    if (kafkajsTimer) logger.debug({ warning: warning.message }, 'kafkajs armed a timer with a negative delay');
    else logger.warn({ err: warning }, 'process warning');
  });
}

/**
 * The life of one process: validated configuration, one pino root, start, and an orderly stop
 * on SIGTERM / SIGINT. Unexpected errors are logged; the process never dies on one bad message.
 */
export function runProcess<S extends ConfigSchema>(spec: ProcessSpec<S>): void {
  const config = loadOrExit(spec);
  const { IM_LOG_LEVEL: level, IM_LOG_FORMAT: format } = config as Record<string, unknown>;
  const logger = createLogger({
    service: spec.name,
    level: typeof level === 'string' ? level : 'info',
    format: resolveLogFormat(typeof format === 'string' ? format : undefined, { embedded: false }),
  });
  enableProcessMetrics();
  logProcessWarnings(logger);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  spec.start(config, logger).then(
    (running) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        markDraining();
        logger.info({ signal }, 'stopping');
        const timer = setTimeout(() => {
          logger.error('shutdown timed out; exiting');
          process.exit(1);
        }, spec.shutdownTimeoutMs ?? 25_000);
        running.close().then(
          () => {
            clearTimeout(timer);
            logger.info('stopped');
            process.exit(0);
          },
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      logger.fatal({ err }, 'failed to start');
      process.exit(1);
    },
  );
}
