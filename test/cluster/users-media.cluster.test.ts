// The user directory, bans and uploads across two gateways: MongoDB (FerretDB) for profiles and
// bans, a real S3-compatible server (SeaweedFS, test/infra/s3.sh) for the media, which clients
// PUT and GET with signed URLs.
//   eval "$(bash test/infra/infra.sh env all)" && IM_TEST_NO_INFRA=1 npx jest test/cluster/users-media.cluster.test.ts
import { ClusterHarness } from '../support/cluster-harness';
import { usersMediaScenarios } from '../support/users-media.scenarios';

const S3_ENDPOINT = process.env.IM_TEST_S3_ENDPOINT;
if (!S3_ENDPOINT)
  throw new Error('IM_TEST_S3_ENDPOINT is not set: start the servers with: bash test/infra/infra.sh up all');
const ADMIN_TOKEN = 'users-media-admin-token-0123456789';
// One bucket for every run (the keys are random): SeaweedFS gives each bucket volumes of its own.
const BUCKET = 'im-test-media';

let h: ClusterHarness;
beforeAll(async () => {
  h = await ClusterHarness.start({
    env: {
      IM_ADMIN_TOKEN: ADMIN_TOKEN,
      IM_S3_ENDPOINT: S3_ENDPOINT,
      IM_S3_BUCKET: BUCKET,
      IM_S3_ACCESS_KEY_ID: process.env.IM_TEST_S3_ACCESS_KEY_ID ?? '',
      IM_S3_SECRET_ACCESS_KEY: process.env.IM_TEST_S3_SECRET_ACCESS_KEY ?? '',
      // A profile changed through one gateway shows on the other's messages at once.
      IM_PROFILE_CACHE_MS: '0',
    },
  });
}, 180_000);
afterAll(() => h?.stop(), 60_000);

usersMediaScenarios(
  () => ({
    url: (i) => h.gatewayUrl(i),
    adminToken: ADMIN_TOKEN,
    anonymousBucketListing: async () => (await fetch(`${S3_ENDPOINT}/${BUCKET}?list-type=2`)).status,
  }),
  20_000,
);
