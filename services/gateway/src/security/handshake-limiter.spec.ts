import { ManualClock } from '@im/common';
import { HandshakeLimiter } from './handshake-limiter';
import { OriginPolicy } from './origin-policy';

describe(HandshakeLimiter.name, () => {
  it('allows the burst, refuses more, and refills at the per-minute rate, per address', () => {
    const clock = new ManualClock(0);
    const l = new HandshakeLimiter(6, 3, clock);
    expect([l.take('a'), l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, true, false]);
    expect(l.take('b')).toBe(true);
    clock.advance(9_999);
    expect(l.take('a')).toBe(false);
    clock.advance(1);
    expect(l.take('a')).toBe(true);
    expect(l.take('a')).toBe(false);
  });

  it('keeps its table bounded under many addresses without forgetting a draining one first', () => {
    const clock = new ManualClock(0);
    const l = new HandshakeLimiter(60, 2, clock, 100);
    l.take('hot');
    l.take('hot');
    for (let i = 0; i < 1000; i++) {
      l.take(`ip${i}`);
      clock.advance(1_000);
    }
    expect(l.size).toBeLessThanOrEqual(101);
  });
});

describe(OriginPolicy.name, () => {
  it('lets requests without Origin through, matches listed origins exactly, and * allows all', () => {
    const p = new OriginPolicy(['https://app.example.com', 'http://localhost:3000/']);
    expect(p.allows(undefined)).toBe(true);
    expect(p.allows('https://app.example.com')).toBe(true);
    expect(p.allows('HTTPS://APP.EXAMPLE.COM')).toBe(true);
    expect(p.allows('http://localhost:3000')).toBe(true);
    expect(p.allows('https://app.example.com.evil.io')).toBe(false);
    expect(p.allows('http://app.example.com')).toBe(false);
    expect(p.allows('null')).toBe(false);
    expect(new OriginPolicy([]).allows('https://a')).toBe(false);
    expect(new OriginPolicy(['*']).allows('https://a')).toBe(true);
  });

  it('lets the gateway’s own pages through (Origin host = Host header), and nothing else by that rule', () => {
    const p = new OriginPolicy([]);
    expect(p.allows('http://10.0.0.5:9092', '10.0.0.5:9092')).toBe(true);
    expect(p.allows('https://IM.Example.com', 'im.example.com')).toBe(true);
    expect(p.allows('https://im.example.com:443', 'im.example.com')).toBe(true);
    expect(p.allows('http://10.0.0.5:9093', '10.0.0.5:9092')).toBe(false);
    expect(p.allows('https://evil.example', 'im.example.com')).toBe(false);
    expect(p.allows('https://im.example.com.evil.io', 'im.example.com')).toBe(false);
    expect(p.allows('https://user@im.example.com', 'im.example.com')).toBe(false);
    expect(p.allows('https://im.example.com/path', 'im.example.com')).toBe(false);
    expect(p.allows('null', 'null')).toBe(false);
    expect(p.allows('https://im.example.com', '')).toBe(false);
    expect(p.allows('https://im.example.com', undefined)).toBe(false);
  });
});
