import { randomUUID } from 'node:crypto';
import type { Store } from '../store.port';

/** What a contract suite's tests share: the store under test, and an id prefix drawn anew for each test. */
export interface StoreFixture {
  readonly store: Store;
  readonly p: string;
}

/**
 * Opens one store for the enclosing `describe` (closed after it), and before each test draws an id prefix
 * (`letter` then 8 random hex digits) so tests sharing one database never see each other's rows.
 */
export function storeFixture(makeStore: () => Promise<Store>, letter: string): StoreFixture {
  let store: Store | undefined;
  let p = '';
  beforeAll(async () => {
    store = await makeStore();
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(() => {
    p = `${letter}${randomUUID().slice(0, 8)}`;
  });
  return {
    get store(): Store {
      if (!store) throw new Error('the store is opened in beforeAll: use it inside a test');
      return store;
    },
    get p(): string {
      return p;
    },
  };
}
