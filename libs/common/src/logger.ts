import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * One pino root per process. Tokens and message content never reach the logs: the redact
 * paths below cover the places where they travel (handshake auth, headers, ImMessage content).
 */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const base = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
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
    options.destination,
  );
  return base;
}
