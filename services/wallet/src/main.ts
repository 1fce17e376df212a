#!/usr/bin/env node
import { runBusService } from '@im/runtime';
import { WALLET_CONFIG } from './wallet.config';
import { startWalletService } from './wallet.module';

/** Cluster mode: the wallet service (wallets, ledger, red packets) as its own process. */
runBusService({
  name: 'wallet',
  schema: WALLET_CONFIG,
  subscribe: (ports, config, logger) => startWalletService(ports, config, logger),
});
