#!/usr/bin/env node
import { systemClock } from '@im/common';
import { runBusService } from '@im/runtime';
import { WALLET_CONFIG, walletOptions } from './wallet.config';
import { startSweeper, subscribeWalletService } from './wallet.consumer';
import { WalletService } from './wallet.service';

/** Cluster mode: the wallet service (wallets, ledger, red packets) as its own process. */
runBusService({
  name: 'wallet',
  schema: WALLET_CONFIG,
  subscribe: async (ports, config, logger) => {
    const service = new WalletService(ports.store, ports.delivery, walletOptions(config), logger, systemClock);
    const subscription = await subscribeWalletService(ports.bus, service);
    const stop = startSweeper(service, config.IM_MONEY_SWEEP_MS, (err) => logger.error({ err }, 'money sweep failed'));
    return {
      async close(): Promise<void> {
        await stop();
        await subscription.close();
      },
    };
  },
});
