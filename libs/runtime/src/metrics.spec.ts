import { startHealthServer } from './health.server';
import { enableProcessMetrics, messageTypeLabel, processMetrics } from './metrics';

describe('metrics', () => {
  it('serves Node process metrics and the IM metrics on the health server', async () => {
    enableProcessMetrics();
    const stop = processMetrics().trackConnections(() => 3);
    const health = await startHealthServer(0, async () => true, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${health.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(text).toMatch(/^im_gateway_connections 3$/m);
      expect(text).toContain('# TYPE im_gateway_messages_in_total counter');
      expect((await fetch(`http://127.0.0.1:${health.port}/healthz`)).status).toBe(200);
    } finally {
      stop();
      await health.close();
    }
  });

  it('labels messages by known messageType only', () => {
    expect(messageTypeLabel({ messageType: 2 })).toBe('2');
    expect(messageTypeLabel('{"msgId":"x","messageType": 2,"content":"hi"}')).toBe('2');
    expect(messageTypeLabel({ messageType: 9999 })).toBe('invalid');
    expect(messageTypeLabel({ messageType: '2' })).toBe('invalid');
    expect(messageTypeLabel('not json')).toBe('invalid');
    expect(messageTypeLabel(null)).toBe('invalid');
  });
});
