export { storeContract } from './store.contract';
export { moneyContract } from './money.contract';
export { userContract } from './user.contract';
