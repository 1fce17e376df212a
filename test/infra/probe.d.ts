// Types for the dependency-free probes in probe.js (plain Node so infra.sh can run it before npm ci).

export interface ProbeResult {
  ok: true;
  summary: string;
}

export interface KafkaApiRange {
  name: string;
  min: number;
  max: number;
}

/** ApiVersions v0: the request versions the broker supports, by API key. */
export function kafkaApiVersions(hostPort: string, timeoutMs?: number): Promise<Record<number, KafkaApiRange>>;

export function kafkaMetadata(
  hostPort: string,
  apis: Record<number, KafkaApiRange>,
  timeoutMs?: number,
): Promise<{
  version: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  clusterId: string | null;
  controllerId: number;
}>;

export function probeRedis(hostPort: string, timeoutMs: number): Promise<ProbeResult & { version: string }>;
export function probeKafka(
  hostPort: string,
  timeoutMs: number,
): Promise<ProbeResult & { clusterId: string | null; controllerId: number; apis: Record<number, KafkaApiRange> }>;
export function probeMongo(
  hostPort: string,
  timeoutMs: number,
): Promise<ProbeResult & { version: string | undefined; ferretdbVersion: string | null }>;
export function mongoCommand(
  hostPort: string,
  cmd: Record<string, string | number>,
  timeoutMs: number,
): Promise<Record<string, unknown>>;
