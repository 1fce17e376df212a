import { EmbeddedHarness } from '../support/embedded-harness';

/** The gateway's Prometheus endpoint, as a scraper sees it (same port as Socket.IO). */
describe('gateway /metrics (embedded)', () => {
  let h: EmbeddedHarness;
  beforeAll(async () => {
    h = await EmbeddedHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.closeClients());

  async function scrape(): Promise<string> {
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  }

  function value(text: string, series: string): number {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }

  it('counts open connections and incoming messages by type, next to the process metrics', async () => {
    const before = await scrape();
    const sentBefore = value(before, 'im_gateway_messages_in_total{type="2"}');
    const a = await h.connect('metrics-a', { version: 4 });
    const b = await h.connect('metrics-b', { version: 2 });
    expect(value(await scrape(), 'im_gateway_connections')).toBeGreaterThanOrEqual(2);
    expect((await a.send(a.message('metrics-b', 'one'))).code).toBe(0);
    expect((await b.send(b.message('metrics-a', 'two'))).code).toBe(0);
    const after = await scrape();
    expect(value(after, 'im_gateway_messages_in_total{type="2"}')).toBe(sentBefore + 2);
    const open = value(after, 'im_gateway_connections');
    h.closeClients();
    let now = open;
    for (let i = 0; i < 50 && now >= open; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = value(await scrape(), 'im_gateway_connections');
    }
    expect(now).toBe(open - 2);
  });

  it('measures ack and end-to-end delivery latency, downlinks by type, and errors by code', async () => {
    const before = await scrape();
    const a = await h.connect('metrics-c');
    const b = await h.connect('metrics-d');
    await b.waitFor(() => true);
    expect((await a.send(a.message('metrics-d', 'timed'))).code).toBe(0);
    await b.waitForMessages(1);
    expect((await a.send({ ...a.message('metrics-d', 'x'), messageType: 999 })).code).toBe(40004);
    await new Promise((r) => setTimeout(r, 100));
    const after = await scrape();
    const grew = (series: string): number => value(after, series) - value(before, series);
    expect(grew('im_ack_latency_seconds_count{outcome="accepted"}')).toBeGreaterThanOrEqual(2);
    expect(grew('im_ack_latency_seconds_count{outcome="refused"}')).toBe(1);
    expect(grew('im_errors_total{code="40004"}')).toBe(1);
    expect(grew('im_gateway_messages_out_total{type="2"}')).toBe(1);
    expect(grew('im_delivery_latency_seconds_count')).toBe(1);
  });

  it('measures what sync sends again apart from live deliveries, in buckets that reach past 10 s', async () => {
    const before = await scrape();
    const a = await h.connect('metrics-e');
    // metrics-f is offline: the message waits in the store and reaches it by sync after its type 1.
    expect((await a.send(a.message('metrics-f', 'while you were away'))).code).toBe(0);
    const f = await h.connect('metrics-f');
    await f.waitForMessages(1);
    let after = await scrape();
    for (
      let i = 0;
      i < 50 &&
      value(after, 'im_sync_delivery_latency_seconds_count') ===
        value(before, 'im_sync_delivery_latency_seconds_count');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      after = await scrape();
    }
    const grew = (series: string): number => value(after, series) - value(before, series);
    expect(grew('im_sync_delivery_latency_seconds_count')).toBe(1);
    expect(grew('im_delivery_latency_seconds_count')).toBe(0);
    for (const le of ['30', '300', '3600', '86400']) {
      expect(after).toContain(`im_delivery_latency_seconds_bucket{le="${le}"}`);
      expect(after).toContain(`im_sync_delivery_latency_seconds_bucket{le="${le}"}`);
    }
  });
});
