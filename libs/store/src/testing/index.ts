export { storeContract } from './store.contract';
