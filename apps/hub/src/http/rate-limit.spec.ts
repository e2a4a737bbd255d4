import { ConfigError, loadConfig } from '@onestop/config';
import { RateLimiter, rateLimitOf } from './rate-limit';

describe('the rate limiter', () => {
  let now = 0;
  const limiter = () => new RateLimiter({ perSecond: 2, burst: 3 }, () => now);

  beforeEach(() => {
    now = 0;
  });

  it('allows the burst at once, then refuses with the seconds until the next request is allowed', () => {
    const l = limiter();
    expect([l.take('a'), l.take('a'), l.take('a')].every((d) => d.allowed)).toBe(true);
    expect(l.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the rate, never beyond the burst', () => {
    const l = limiter();
    for (let i = 0; i < 3; i += 1) l.take('a');
    now = 500;
    expect(l.take('a').allowed).toBe(true);
    expect(l.take('a').allowed).toBe(false);
    now = 60_000;
    expect([l.take('a'), l.take('a'), l.take('a'), l.take('a')].map((d) => d.allowed)).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const l = limiter();
    for (let i = 0; i < 3; i += 1) l.take('a');
    expect(l.take('a').allowed).toBe(false);
    expect(l.take('b').allowed).toBe(true);
  });

  it('peeks without spending', () => {
    const l = limiter();
    for (let i = 0; i < 5; i += 1) expect(l.peek('a').allowed).toBe(true);
    for (let i = 0; i < 3; i += 1) l.take('a');
    expect(l.peek('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('forgets refilled buckets when a flood of keys would grow it without bound', () => {
    const l = new RateLimiter({ perSecond: 2, burst: 3 }, () => now, 100);
    for (let i = 0; i < 1000; i += 1) {
      now += 10;
      l.take(`key-${i}`);
    }
    expect(l.size).toBeLessThanOrEqual(100);
  });

  it('refuses a limit that allows nothing', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});

describe('HUB_RATE_LIMIT and HUB_RATE_LIMIT_BURST', () => {
  it('default to 50 requests per second with a burst of 100', () => {
    expect(rateLimitOf(loadConfig({}))).toEqual({ perSecond: 50, burst: 100 });
  });

  it('take a rate and a burst', () => {
    expect(rateLimitOf(loadConfig({ HUB_RATE_LIMIT: '5', HUB_RATE_LIMIT_BURST: '7' }))).toEqual({ perSecond: 5, burst: 7 });
    expect(rateLimitOf(loadConfig({ HUB_RATE_LIMIT: '5' }))).toEqual({ perSecond: 5, burst: 10 });
  });

  it('turn the limit off with 0', () => {
    expect(rateLimitOf(loadConfig({ HUB_RATE_LIMIT: '0' }))).toBeUndefined();
  });

  it.each([{ HUB_RATE_LIMIT: '-1' }, { HUB_RATE_LIMIT: 'fast' }, { HUB_RATE_LIMIT: '1.5' }, { HUB_RATE_LIMIT_BURST: '0' }, { HUB_RATE_LIMIT_BURST: 'lots' }])('refuse %p with a message naming the variable', (env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(Object.keys(env)[0]));
  });
});
