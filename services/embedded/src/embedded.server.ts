import { join } from 'node:path';
import { InMemoryBus } from '@im/bus';
import { IdGenerator, systemClock } from '@im/common';
import type { Clock, Logger } from '@im/common';
import { callSettings, startCallService } from '@im/call-service';
import { startEventsService } from '@im/events-service';
import { startRelationService } from '@im/relation-service';
import { DiskMediaStore, UploadTokens, createGateway, gatewaySettings, mediaSettings } from '@im/gateway';
import type { Gateway, GatewaySettings } from '@im/gateway';
import { startGroupService } from '@im/group-service';
import { startMessageService } from '@im/message-service';
import {
  MemoryCallStore,
  MemoryChatroomStore,
  MemoryDeliveryHub,
  MemoryMultiCallStore,
  MemoryOnceStore,
  MemoryPresence,
  MemoryRuleVersions,
  withRuleCache,
} from '@im/realtime';
import type { OnceStore } from '@im/realtime';
import { processMetrics } from '@im/runtime';
import { SqliteStore } from '@im/store';
import { startWalletService } from '@im/wallet-service';
import type { EmbeddedConfig } from './embedded.config';

export interface EmbeddedServer {
  readonly gateway: Gateway;
  readonly store: SqliteStore;
  readonly bus: InMemoryBus;
  readonly port: number;
  close(): Promise<void>;
}

/** The `service` of the embedded process's own lines (the hosted services log as theirs). */
export const EMBEDDED_SERVICE = 'im-embedded';

/** Embedded uploads: files under IM_DATA_DIR/media, received and served by the gateway (docs/media.md). */
function embeddedMedia(config: EmbeddedConfig, jwtSecret: string) {
  const tokens = new UploadTokens(jwtSecret);
  return {
    store: new DiskMediaStore(join(config.IM_DATA_DIR, 'media'), (intent) => tokens.sign(intent)),
    settings: mediaSettings(config),
    tokens,
  };
}

export function settingsFrom(config: EmbeddedConfig, jwtSecret: string): GatewaySettings {
  const settings = gatewaySettings(config, jwtSecret);
  // Development default: any browser origin may connect to an embedded server.
  return settings.allowedOrigins.length === 0 ? { ...settings, allowedOrigins: ['*'] } : settings;
}

/**
 * Every service in one process: in-process bus, SQLite store, in-memory presence and delivery.
 * The same service classes run as separate processes in cluster mode.
 */
export async function startEmbedded(
  config: EmbeddedConfig,
  jwtSecret: string,
  /**
   * The process's root logger, made without a `service` (`createLogger({ level })`): each
   * service here adds its own, and pino would repeat the key rather than replace it.
   */
  logger: Logger,
  clock: Clock = systemClock,
  /** Tests replace ports here (e.g. a OnceStore that simulates a race). */
  overrides: { readonly once?: OnceStore } = {},
): Promise<EmbeddedServer> {
  const settings = settingsFrom(config, jwtSecret);
  const own = logger.child({ service: EMBEDDED_SERVICE });
  const ids = new IdGenerator({ worker: config.IM_ID_WORKER });
  // Group and relation reads from a cache that every group and relation write of this process bumps.
  const store = withRuleCache(new SqliteStore(join(config.IM_DATA_DIR, 'im.db')), new MemoryRuleVersions());
  const onDeadLetter = (letter: { topic: string }): void => processMetrics().deadLetters.inc({ topic: letter.topic });
  const bus = new InMemoryBus({ logger: own.child({ module: 'bus' }), onDeadLetter });
  const hub = new MemoryDeliveryHub();
  const serviceDelivery = hub.port();
  const gatewayDelivery = hub.port();
  const presence = new MemoryPresence();
  const ports = { bus, store, delivery: serviceDelivery, presence, once: new MemoryOnceStore(clock) };
  const services = await Promise.all([
    startWalletService(ports, config, logger.child({ service: 'wallet' }), clock),
    startMessageService(ports, config, logger.child({ service: 'message' }), clock),
    startGroupService(ports, config, logger.child({ service: 'group' }), clock),
    startRelationService(ports, config, logger.child({ service: 'relation' })),
    startEventsService(ports, config, logger.child({ service: 'events' }), clock),
  ]);
  const calls = await startCallService({
    calls: new MemoryCallStore(),
    multiCalls: new MemoryMultiCallStore(),
    store,
    delivery: serviceDelivery,
    presence,
    once: ports.once,
    bus,
    settings: callSettings(config),
    clock,
    ids,
    logger: logger.child({ service: 'call' }),
    sweepMs: config.IM_CALL_SWEEP_MS,
  });
  const gateway = createGateway({
    settings,
    store,
    bus,
    delivery: gatewayDelivery,
    presence,
    once: overrides.once ?? new MemoryOnceStore(clock),
    chatrooms: new MemoryChatroomStore(clock),
    clock,
    ids,
    logger: logger.child({ service: 'gateway' }),
    consoleDevTokens: true,
    media: embeddedMedia(config, jwtSecret),
  });
  const port = await gateway.listen(config.IM_PORT, config.IM_HOST);
  return {
    gateway,
    store,
    bus,
    port,
    async close(): Promise<void> {
      await gateway.close();
      await calls.close();
      await Promise.all(services.map((s) => s.close()));
      await bus.close();
      await store.close();
    },
  };
}
