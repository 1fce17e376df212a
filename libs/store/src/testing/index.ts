export { storeContract } from './store.contract';
export { moneyContract } from './money.contract';
export { pushDeviceContract } from './push-device.contract';
export { userContract } from './user.contract';
