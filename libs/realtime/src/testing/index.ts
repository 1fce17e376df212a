export { deliveryContract, presenceContract, onceStoreContract } from './realtime.contract';
export type { DeliveryHarness } from './realtime.contract';
export { chatroomContract } from './chatroom.contract';
export { callStoreContract } from './call-store.contract';
export { multiCallStoreContract } from './multi-call-store.contract';
export { inMemoryServicePorts, recordDeliveries, serviceUnderTest } from './recorded-deliveries';
export type { RecordedDeliveries, ServiceUnderTest } from './recorded-deliveries';
