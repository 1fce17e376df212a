import { Topics } from '@im/bus';
import type { Bus, Subscription } from '@im/bus';
import type { WalletService } from './wallet.service';

export const WALLET_SERVICE_GROUP = 'wallet-service';

export { walletCommandKey } from '@im/bus';

export function subscribeWalletService(bus: Bus, service: WalletService): Promise<Subscription> {
  return bus.subscribe(Topics.WALLET_COMMANDS, WALLET_SERVICE_GROUP, (record) => service.handle(record.value));
}
