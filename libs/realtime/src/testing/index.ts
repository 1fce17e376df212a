export { deliveryContract, presenceContract, onceStoreContract } from './realtime.contract';
export type { DeliveryHarness } from './realtime.contract';
