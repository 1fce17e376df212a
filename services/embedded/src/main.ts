#!/usr/bin/env node
import { ConfigError, createLogger, loadConfig, resolveLogFormat } from '@im/common';
import { adminConfigProblems, iceConfigProblems, mediaConfigProblems } from '@im/gateway';
import { enableProcessMetrics } from '@im/runtime';
import { EMBEDDED_CONFIG } from './embedded.config';
import { banner } from './banner';
import { EMBEDDED_SERVICE, startEmbedded } from './embedded.server';
import { loadOrCreateSecret } from './jwt-secret';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(EMBEDDED_CONFIG);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const problems = [
    ...adminConfigProblems(config),
    ...iceConfigProblems(config),
    ...mediaConfigProblems(config, 'embedded'),
  ];
  if (problems.length > 0) {
    process.stderr.write(`invalid configuration:\n  ${problems.join('\n  ')}\n`);
    process.exit(2);
  }
  const root = createLogger({
    level: config.IM_LOG_LEVEL,
    format: resolveLogFormat(config.IM_LOG_FORMAT, { embedded: true }),
  });
  const logger = root.child({ service: EMBEDDED_SERVICE });
  enableProcessMetrics();
  let secret = config.IM_JWT_SECRET;
  if (secret === undefined) {
    const loaded = loadOrCreateSecret(config.IM_DATA_DIR);
    secret = loaded.secret;
    logger.info(
      { dataDir: config.IM_DATA_DIR, created: loaded.created },
      'IM_JWT_SECRET not set: using the secret in the data folder',
    );
  }
  const server = await startEmbedded(config, secret, root);
  logger.info({ host: config.IM_HOST, port: server.port, dataDir: config.IM_DATA_DIR }, 'embedded IM server listening');
  process.stdout.write(banner(config.IM_HOST, server.port, config.IM_DATA_DIR, config.IM_CONSOLE_ENABLED));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
