import { isLoopbackAddress } from '@im/gateway';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * What `npm start` prints once it listens: where, who can reach it, the console, and how to get a
 * token. A server bound to every interface says so plainly.
 */
export function banner(host: string, port: number, dataDir: string, consoleEnabled: boolean): string {
  const local = isLoopbackAddress(host) || host === 'localhost';
  const reach = local
    ? 'this machine only (IM_HOST=0.0.0.0 opens it to the network)'
    : WILDCARDS.has(host)
      ? 'every network interface: anyone who can reach this machine can connect'
      : `the address ${host}`;
  // A browser on this machine reaches a loopback or wildcard bind as localhost.
  const base = `http://${local || WILDCARDS.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`;
  return [
    '',
    `IM server (embedded) listening on ${host.includes(':') ? `[${host}]` : host}:${port}, ${reach}; data in ${dataDir}`,
    ...(consoleEnabled ? [`Web console:          ${base}/console/`] : []),
    'Mint a client token:  npm run -s token -- <userId>',
    `Connect:              io('${base}', { auth: { token } })`,
    "Dev endpoints (the console's dev token and dev top-up) answer loopback clients only.",
    '',
    '',
  ].join('\n');
}
