export { loadConfig, describeConfig, ConfigError } from './config.schema';
export type { ConfigSchema, ConfigOf, VarSpec } from './config.schema';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { systemClock, ManualClock } from './clock';
export type { Clock } from './clock';
export { AppError, isAppError, toImError } from './app-error';
export { signToken, verifyToken } from './jwt';
export type { TokenClaims, VerifyResult } from './jwt';
