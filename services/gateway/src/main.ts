#!/usr/bin/env node
import { MESSAGE_SERVICE_GROUP, Topics } from '@im/bus';
import { IdGenerator, systemClock } from '@im/common';
import { createSocketIoRedisAdapter, RedisChatroomStore } from '@im/realtime';
import { CLUSTER_CONFIG, connectCluster, missingEndpoints, runProcess } from '@im/runtime';
import { createGateway } from './gateway';
import { adminConfigProblems, GATEWAY_CONFIG, gatewaySettings } from './gateway.config';
import { BacklogGuard } from './socket/backlog-guard';
import { mediaConfigProblems, mediaSettings } from './media/media.config';
import { S3MediaStore } from './media/s3.media-store';
import { iceConfigProblems } from './call/ice-servers';

/** Cluster mode: one gateway pod. Stateless: sockets here, everything else in Kafka, MongoDB, Redis. */
runProcess({
  name: 'gateway',
  schema: { ...CLUSTER_CONFIG, ...GATEWAY_CONFIG },
  check: (c) => [
    ...missingEndpoints(c),
    ...(c.IM_JWT_SECRET ? [] : ['IM_JWT_SECRET: required in cluster mode']),
    ...adminConfigProblems(c),
    ...mediaConfigProblems(c, 'cluster'),
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
      {
        max: config.IM_MAX_MESSAGE_BACKLOG,
        hold: config.IM_MESSAGE_BACKLOG_HOLD,
        maxHoldMs: config.IM_MESSAGE_BACKLOG_HOLD_MS,
        everyMs: config.IM_BACKLOG_CHECK_MS,
      },
      logger.child({ module: 'backlog' }),
    ).start();
    const ids = new IdGenerator({ worker: config.IM_ID_WORKER });
    const s3 = config.IM_S3_BUCKET
      ? new S3MediaStore({
          endpoint: config.IM_S3_ENDPOINT ?? '',
          region: config.IM_S3_REGION,
          bucket: config.IM_S3_BUCKET,
          accessKeyId: config.IM_S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: config.IM_S3_SECRET_ACCESS_KEY ?? '',
          forcePathStyle: config.IM_S3_FORCE_PATH_STYLE,
          getTtlMs: config.IM_S3_GET_TTL_S * 1000,
        })
      : undefined;
    await s3?.ensureBucket();
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
      ...(s3 ? { media: { store: s3, settings: mediaSettings(config) } } : {}),
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
        s3?.close();
      },
    };
  },
});
