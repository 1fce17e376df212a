import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';
import type { ConfigSchema } from './config.schema';

export type { Logger };

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The logging variables every process reads. */
export const LOG_CONFIG = {
  IM_LOG_LEVEL: {
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    doc: 'pino log level.',
  },
  IM_LOG_FORMAT: {
    kind: 'enum',
    values: LOG_FORMATS,
    doc: 'Log lines: `json` (one JSON object a line, `"level":"info"`) or `pretty` (pino-pretty, for reading in a terminal). Unset: `pretty` when embedded mode writes to a terminal, else `json` (cluster processes always default to json).',
  },
} as const satisfies ConfigSchema;

/** `IM_LOG_FORMAT` when set; else pretty for a person at a terminal (embedded mode only), json otherwise. */
export function resolveLogFormat(
  configured: string | undefined,
  options: { embedded: boolean; tty?: boolean },
): LogFormat {
  if (configured === 'json' || configured === 'pretty') return configured;
  return options.embedded && (options.tty ?? process.stdout.isTTY === true) ? 'pretty' : 'json';
}

export interface LoggerOptions {
  /**
   * The `service` of every line. Leave it out for a process that hosts several services
   * (embedded mode): each then adds its own with `logger.child({ service })`, so a line never
   * carries the key twice (pino appends a child's bindings, it does not replace them).
   */
  readonly service?: string;
  readonly level?: string;
  readonly format?: LogFormat;
  /** Where lines go; default stdout. */
  readonly destination?: pino.DestinationStream;
}

/**
 * One pino root per process. Tokens and message content never reach the logs: the redact
 * paths below cover the places where they travel (handshake auth, headers, ImMessage content).
 * JSON lines name their level (`"level":"info"`), so they read without pino's number table.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  const destination =
    format === 'pretty'
      ? pretty({
          colorize: options.destination === undefined && process.stdout.isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
          sync: true,
          ...(options.destination !== undefined ? { destination: options.destination } : {}),
        })
      : options.destination;
  return pino(
    {
      level: options.level ?? 'info',
      base: options.service !== undefined ? { service: options.service } : {},
      // pino-pretty reads pino's numeric levels; JSON lines get the name.
      ...(format === 'json' ? { formatters: { level: (label: string) => ({ level: label }) } } : {}),
      redact: {
        paths: [
          'token',
          '*.token',
          'auth.token',
          'headers.authorization',
          'req.headers.authorization',
          'content',
          '*.content',
          'message.content',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
