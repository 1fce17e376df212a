import { startPeriodicTask, systemClock } from '@im/common';
import { servicePush } from '@im/runtime';
import type { StartService } from '@im/runtime';
import { walletOptions } from './wallet.config';
import type { WalletConfig } from './wallet.config';
import { subscribeWalletService } from './wallet.consumer';
import { WalletService } from './wallet.service';

/** The wallet service on its ports: consuming im.wallet.commands and sweeping money (at start and every IM_MONEY_SWEEP_MS). Cluster and embedded alike. */
export const startWalletService: StartService<WalletConfig> = async (ports, config, logger, clock = systemClock) => {
  const push = servicePush(ports, logger);
  const service = new WalletService(ports.store, ports.delivery, walletOptions(config), logger, clock, push);
  const subscription = await subscribeWalletService(ports.bus, service);
  const sweep = startPeriodicTask(() => service.sweep(), {
    name: 'money sweep',
    everyMs: config.IM_MONEY_SWEEP_MS,
    logger,
    onError: (err) => logger.error({ err }, 'money sweep failed'),
    runAtStart: true,
  });
  return {
    async close(): Promise<void> {
      await sweep.stop();
      await subscription.close();
    },
  };
};
