export { createGateway } from './gateway';
export type { Gateway, GatewayDeps } from './gateway';
export { adminConfigProblems, GATEWAY_CONFIG, gatewaySettings } from './gateway.config';
export type { GatewayConfig, GatewaySettings } from './gateway.config';
export { isLoopbackAddress } from './http/loopback';
