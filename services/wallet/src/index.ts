export { WalletService } from './wallet.service';
export type { WalletResult } from './wallet.service';
export { Ledger, BANK_ACCOUNT, redPacketAccount } from './ledger';
export type { MoneyOpRequest, OpOutcome } from './ledger';
export { subscribeWalletService, startSweeper, walletCommandKey, WALLET_SERVICE_GROUP } from './wallet.consumer';
export { WALLET_CONFIG, walletOptions } from './wallet.config';
export type { WalletConfig, WalletOptions } from './wallet.config';
export { equalSplit, luckySplit } from './split';
