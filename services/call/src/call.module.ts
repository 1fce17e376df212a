import type { Bus, Subscription } from '@im/bus';
import { startPeriodicTask } from '@im/common';
import type { Clock, IdGenerator, Logger } from '@im/common';
import { PushNotifier } from '@im/realtime';
import type { CallStore, DeliveryPort, MultiCallStore, OnceStore, Presence } from '@im/realtime';
import type { Store } from '@im/store';
import { CallCommands, subscribeCallService } from './call.commands';
import type { CallServiceSettings } from './call.config';
import { CallLifecycle } from './call.lifecycle';
import { CallNotifier } from './call.notifier';
import { CallService } from './call.service';
import { MultiCallService } from './multi-call.service';

export interface CallServiceDeps {
  readonly calls: CallStore;
  readonly multiCalls: MultiCallStore;
  readonly store: Store;
  readonly delivery: DeliveryPort;
  readonly presence: Presence;
  /** Marks the ring pushes sent (one per call and callee). */
  readonly once: OnceStore;
  readonly bus: Bus;
  readonly settings: CallServiceSettings;
  readonly clock: Clock;
  /** Makes the call ids (the process's one generator). */
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** How often due calls are swept (ring timeouts, drop grace periods). */
  readonly sweepMs: number;
}

export interface RunningCallService {
  readonly commands: CallCommands;
  readonly lifecycle: CallLifecycle;
  close(): Promise<void>;
}

/** The call service on its ports: subscribed to `im.calls.commands`, sweeping due calls. Cluster and embedded alike. */
export async function startCallService(d: CallServiceDeps): Promise<RunningCallService> {
  const push = new PushNotifier({ ...d, logger: d.logger.child({ module: 'push' }) });
  const notifier = new CallNotifier(d.delivery, d.bus, d.clock, push);
  const oneToOne = new CallService(d.calls, d.store, notifier, d.settings, d.clock, d.ids, d.logger);
  const multi = new MultiCallService(d.multiCalls, d.store, notifier, d.settings, d.clock, d.ids, d.logger);
  const lifecycle = new CallLifecycle(d.calls, oneToOne, notifier, d.presence, d.settings, d.clock, d.logger, multi);
  const commands = new CallCommands(oneToOne, multi, lifecycle, d.clock, d.logger);
  const subscription: Subscription = await subscribeCallService(d.bus, commands);
  const sweep = startPeriodicTask(() => lifecycle.sweep(), {
    name: 'call sweep',
    everyMs: d.sweepMs,
    logger: d.logger,
  });
  return {
    commands,
    lifecycle,
    async close(): Promise<void> {
      await sweep.stop();
      await subscription.close();
    },
  };
}
