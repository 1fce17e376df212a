export { busContract } from './bus.contract';
export type { BusContractHarness } from './bus.contract';
export { publishRaw } from './raw-publish';
