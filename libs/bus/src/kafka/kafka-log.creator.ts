import type { Logger } from '@im/common';
import { logLevel } from 'kafkajs';
import type { LogEntry, logCreator } from 'kafkajs';

/** Routes kafkajs log entries to pino, keeping their structured fields. */
export function pinoLogCreator(logger: Logger): logCreator {
  return () => (entry: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _kafkajs, ...fields } = entry.log;
    const context = { kafka: entry.namespace, ...fields };
    // Two processes creating one topic at once: kafkajs logs the loser's "already exists" answer
    // as an error although the bus treats it as success.
    if (fields.error === 'Topic creation errors') logger.debug(context, message);
    // A broker's error answer on one connection ("not the leader", "does not host this
    // topic-partition") is retried by kafkajs itself: worth a warning, not an error.
    else if (entry.level === logLevel.ERROR && entry.namespace === 'Connection') logger.warn(context, message);
    else if (entry.level === logLevel.ERROR) logger.error(context, message);
    else if (entry.level === logLevel.WARN) logger.warn(context, message);
    else if (entry.level === logLevel.INFO) logger.info(context, message);
    else logger.debug(context, message);
  };
}
