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
});
