import { EmbeddedHarness } from '../support/embedded-harness';
import { readStateScenarios } from '../support/read-state.scenarios';

describe('read state that survives being offline (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  readStateScenarios(
    () => ({
      connect: (_where, userId, options) => h.connect(userId, options),
      http: (_where, method, path, userId) => h.http(method, path, userId),
    }),
    10_000,
  );
});
