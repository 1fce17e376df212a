// The user directory, bans and uploads on the embedded server (media on disk under IM_DATA_DIR).
import { EmbeddedHarness } from '../support/embedded-harness';
import { usersMediaScenarios } from '../support/users-media.scenarios';

const ADMIN_TOKEN = 'users-media-admin-token-0123456789';
let h: EmbeddedHarness;
beforeAll(async () => {
  h = await EmbeddedHarness.start({ IM_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(() => h.stop());

usersMediaScenarios(() => ({ url: () => h.url, adminToken: ADMIN_TOKEN }), 5_000);
