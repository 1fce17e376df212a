export default async function globalTeardown(): Promise<void> {
  if (process.env.IM_TEST_NO_INFRA === '1' || process.env.IM_TEST_KEEP_INFRA === '1') return;
  const { stopInfra } = await import('./infra');
  await stopInfra();
}
