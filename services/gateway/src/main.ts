#!/usr/bin/env node
import { MESSAGE_SERVICE_GROUP, Topics } from '@im/bus';
import { IdGenerator, systemClock } from '@im/common';
import { createSocketIoRedisAdapter, RedisChatroomStore } from '@im/realtime';
import { CLUSTER_CONFIG, connectCluster, missingEndpoints, runProcess } from '@im/runtime';
import { createGateway } from './gateway';
import { adminConfigProblems, GATEWAY_CONFIG, gatewaySettings } from './gateway.config';
import { BacklogGuard } from './socket/backlog-guard';
import { iceConfigProblems } from './call/ice-servers';

/** Cluster mode: one gateway pod. Stateless: sockets here, everything else in Kafka, MongoDB, Redis. */
runProcess({
  name: 'gateway',
  schema: { ...CLUSTER_CONFIG, ...GATEWAY_CONFIG },
  check: (c) => [
    ...missingEndpoints(c),
    ...(c.IM_JWT_SECRET ? [] : ['IM_JWT_SECRET: required in cluster mode']),
    ...adminConfigProblems(c),
    ...iceConfigProblems(c),
  ],
  start: async (config, logger) => {
    const settings = gatewaySettings(config, config.IM_JWT_SECRET ?? '');
    const ports = await connectCluster(config, 'gateway', logger, { opsInstance: settings.gatewayId });
    await ports.bus.prepareRequests();
    const redisUrl = config.IM_REDIS_URL ?? '';
    // Chatroom keys and the Socket.IO adapter's channels per installation, like the call service's
    // keys: installations sharing a Redis (the test harnesses do) never see each other's broadcasts.
    const prefix = config.IM_KAFKA_NAMESPACE ? `im:${config.IM_KAFKA_NAMESPACE}:` : 'im:';
    const socketAdapter = await createSocketIoRedisAdapter(
      redisUrl,
      config.IM_KAFKA_NAMESPACE ? { channelPrefix: `${prefix}socket.io` } : undefined,
    );
    const chatrooms = await RedisChatroomStore.connect(redisUrl, {
      prefix,
      memberTtlMs: config.IM_PRESENCE_TTL_MS,
      logger: logger.child({ module: 'chatroom' }),
    });
    const backlog = new BacklogGuard(
      () => ports.bus.backlog(Topics.MESSAGES, MESSAGE_SERVICE_GROUP),
      { max: config.IM_MAX_MESSAGE_BACKLOG, everyMs: config.IM_BACKLOG_CHECK_MS },
      logger.child({ module: 'backlog' }),
    ).start();
    const ids = new IdGenerator({ worker: config.IM_ID_WORKER });
    const gateway = createGateway({
      settings,
      store: ports.store,
      bus: ports.bus,
      delivery: ports.delivery,
      presence: ports.presence,
      once: ports.once,
      chatrooms,
      clock: systemClock,
      ids,
      logger,
      adapter: socketAdapter.adapter,
      presenceRefreshMs: Math.floor(config.IM_PRESENCE_TTL_MS / 3),
      opsBoard: ports.ops.board,
      readinessChecks: [() => ports.ready()],
      backlog,
    });
    const port = await gateway.listen(config.IM_PORT, config.IM_HOST);
    logger.info({ port, gatewayId: settings.gatewayId, idWorker: ids.worker }, 'gateway listening');
    return {
      async close(): Promise<void> {
        await gateway.drain(config.IM_DRAIN_WINDOW_MS);
        await gateway.close();
        await backlog.close();
        await socketAdapter.close();
        await chatrooms.close();
        await ports.close();
      },
    };
  },
});
