export { CALL_CONFIG, callSettings } from './call.config';
export type { CallConfig, CallServiceSettings } from './call.config';
export {
  CALL_SERVICE_GROUP,
  CallCommands,
  SIGNAL_MAX_AGE_MS,
  startCallSweeper,
  subscribeCallService,
} from './call.commands';
export { startCallService } from './call.module';
export type { CallServiceDeps, RunningCallService } from './call.module';
export { CallLifecycle } from './call.lifecycle';
export { CallNotifier } from './call.notifier';
export type { CallOutcome } from './call.notifier';
export { CallService } from './call.service';
export type { CallSender } from './call.service';
export { MultiCallService } from './multi-call.service';
