export { createGateway } from './gateway';
export type { Gateway, GatewayDeps } from './gateway';
export { adminConfigProblems, GATEWAY_CONFIG, gatewaySettings } from './gateway.config';
export type { GatewayConfig, GatewaySettings } from './gateway.config';
export { iceConfigProblems } from './call/ice-servers';
export { isLoopbackAddress } from './http/loopback';
