export { deliveryContract, presenceContract, onceStoreContract } from './realtime.contract';
export type { DeliveryHarness } from './realtime.contract';
export { chatroomContract } from './chatroom.contract';
export { callStoreContract } from './call-store.contract';
