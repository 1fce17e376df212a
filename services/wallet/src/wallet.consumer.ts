import { Topics } from '@im/bus';
import type { Bus, Subscription } from '@im/bus';
import type { WalletService } from './wallet.service';

export const WALLET_SERVICE_GROUP = 'wallet-service';

export { walletCommandKey } from '@im/bus';

export function subscribeWalletService(bus: Bus, service: WalletService): Promise<Subscription> {
  return bus.subscribe(Topics.WALLET_COMMANDS, WALLET_SERVICE_GROUP, (record) => service.handle(record.value));
}

/** Runs the sweep now and then every `everyMs` (one at a time); the returned function stops it and waits for a sweep under way. */
export function startSweeper(
  service: WalletService,
  everyMs: number,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (running || stopped) return;
    running = service
      .sweep()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
