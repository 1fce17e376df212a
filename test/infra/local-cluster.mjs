#!/usr/bin/env node
// `npm run cluster`: a local cluster to try by hand. Starts Redis, Kafka and FerretDB on loopback
// (test/infra/infra.sh), then the service processes and two gateways, each its own `node`
// process, and prints where to connect. Ctrl-C stops the processes (the servers keep running;
// `bash test/infra/infra.sh down` stops them).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const stateDir = join(root, '.infra', 'local-cluster');
mkdirSync(stateDir, { recursive: true });

execFileSync('bash', [join(root, 'test/infra/infra.sh'), 'up', 'all'], { stdio: 'inherit' });
const envLines = execFileSync('bash', [join(root, 'test/infra/infra.sh'), 'env', 'all'], { encoding: 'utf8' });
const infra = Object.fromEntries(
  envLines
    .split('\n')
    .filter((l) => l.startsWith('export '))
    .map((l) => l.slice(7).split('=', 2)),
);

const secretFile = join(stateDir, 'jwt-secret');
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
const secret = process.env.IM_JWT_SECRET || readFileSync(secretFile, 'utf8').trim();
const mongo = new URL(infra.IM_TEST_MONGO_URL);
mongo.pathname = '/im_local';

const common = {
  ...process.env,
  IM_KAFKA_BROKERS: infra.IM_TEST_KAFKA_BROKERS,
  IM_KAFKA_NAMESPACE: 'local',
  IM_MONGO_URL: mongo.toString(),
  IM_REDIS_URL: infra.IM_TEST_REDIS_URL,
  IM_JWT_SECRET: secret,
  IM_LOG_LEVEL: process.env.IM_LOG_LEVEL ?? 'info',
  // A development cluster: any browser origin (production lists its web origins).
  IM_ALLOWED_ORIGINS: process.env.IM_ALLOWED_ORIGINS ?? '*',
};
const gw0 = Number(process.env.IM_PORT ?? 9092);
const procs = [
  ['message', 'services/message/dist/main.js', { IM_HEALTH_PORT: '9470' }],
  ['group', 'services/group/dist/main.js', { IM_HEALTH_PORT: '9471' }],
  ['relation', 'services/relation/dist/main.js', { IM_HEALTH_PORT: '9472' }],
  ['events', 'services/events/dist/main.js', { IM_HEALTH_PORT: '9473' }],
  ['wallet', 'services/wallet/dist/main.js', { IM_HEALTH_PORT: '9474' }],
  ['call', 'services/call/dist/main.js', { IM_HEALTH_PORT: '9475' }],
  ['gateway0', 'services/gateway/dist/main.js', { IM_PORT: String(gw0), IM_GATEWAY_ID: 'local-gw0' }],
  ['gateway1', 'services/gateway/dist/main.js', { IM_PORT: String(gw0 + 1), IM_GATEWAY_ID: 'local-gw1' }],
];
const children = procs.map(([name, script, env]) => {
  const child = spawn(process.execPath, [join(root, script)], {
    cwd: root,
    env: { ...common, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (d) =>
      process.stdout.write(
        d
          .split('\n')
          .filter(Boolean)
          .map((l) => `${name.padEnd(9)}| ${l}\n`)
          .join(''),
      ),
    );
  }
  child.on('exit', (code) => process.stdout.write(`${name} exited with ${code}\n`));
  return child;
});
process.stdout.write(
  `\nlocal cluster: gateways on :${gw0} and :${gw0 + 1}\n` +
    `mint a token:  IM_JWT_SECRET=$(cat ${secretFile}) npm run token -- <userId>\n` +
    `stop: Ctrl-C (servers: bash test/infra/infra.sh down)\n\n`,
);
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
