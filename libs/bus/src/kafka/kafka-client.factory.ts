import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import type { KafkaBusOptions } from './kafka-bus.options';
import { pinoLogCreator } from './kafka-log.creator';

/** The one kafkajs client a KafkaBus makes its producer, admin and consumers from. */
export function createKafkaClient(o: KafkaBusOptions): Kafka {
  const config: KafkaConfig = {
    brokers: o.brokers,
    clientId: o.clientId,
    logLevel: o.logger ? logLevel.WARN : logLevel.NOTHING,
    ...(o.logger ? { logCreator: pinoLogCreator(o.logger) } : {}),
    ...(o.ssl !== undefined ? { ssl: o.ssl } : {}),
    ...(o.sasl !== undefined ? { sasl: o.sasl } : {}),
    ...(o.connectionTimeout !== undefined ? { connectionTimeout: o.connectionTimeout } : {}),
    ...(o.requestTimeout !== undefined ? { requestTimeout: o.requestTimeout } : {}),
    ...(o.retry !== undefined ? { retry: o.retry } : {}),
    ...(o.socketFactory !== undefined ? { socketFactory: o.socketFactory } : {}),
  };
  return new Kafka(config);
}
