import { ApiResponse, Issuer, TestHub } from '../support/hub-harness';
import { storedEvents } from '../support/fixtures';
import { claims, handSigned, nowSeconds } from './forge';

/**
 * Rate limiting per caller with 429: a hub allowing 1 request per second with a burst of 5,
 * per token subject once authenticated and per client address otherwise. Each test spends the
 * budget of its own subjects, or starts its own hub when it spends the address's budget (every
 * call of the suite comes from 127.0.0.1).
 */
const RATE = 1;
const BURST = 5;
const CONFIG = { HUB_RATE_LIMIT: String(RATE), HUB_RATE_LIMIT_BURST: String(BURST) };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes `n` calls one after another and returns their statuses. */
async function statuses(n: number, call: () => Promise<ApiResponse>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) out.push((await call()).status);
  return out;
}

/**
 * The burst passes and the calls after it are refused. Three calls past the burst, since on a
 * busy machine a second may pass during the burst and refill one request.
 */
async function expectBurstThenLimited(call: () => Promise<ApiResponse>, allowed = 200): Promise<void> {
  const seen = await statuses(BURST + 3, call);
  expect(seen.slice(0, BURST)).toEqual(Array(BURST).fill(allowed));
  expect(seen.slice(BURST)).toContain(429);
}

describe(`rate limiting (HUB_RATE_LIMIT=${RATE}, HUB_RATE_LIMIT_BURST=${BURST})`, () => {
  describe('given authenticated callers', () => {
    let hub: TestHub;
    let sms: Issuer;

    /** A caseworker token of sms for the user `sub` (each call a different token). */
    const asUser = (sub: string): string => handSigned(sms, {}, claims(sms, { sub, jti: `${sub}-${Math.random()}` }));
    const list = (token: string) => () => hub.request('GET', '/v1/agencies', token);

    beforeAll(async () => {
      hub = await TestHub.start({ publisher: false, config: CONFIG });
      sms = await hub.registerAgency('sms', 'substance-misuse');
    });
    afterAll(() => hub.close());

    it('allows the burst, then answers 429 rate.limited with Retry-After, and lets the caller in again after waiting', async () => {
      const token = asUser('burst-user');
      await expectBurstThenLimited(list(token));
      const limited = await list(token)();
      expect(limited.status).toBe(429);
      expect(limited.body.error).toMatchObject({ code: 'rate.limited', retryAfterSeconds: expect.any(Number) });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil(1 / RATE));
      await sleep(retryAfter * 1000);
      expect((await list(token)()).status).toBe(200);
    });

    it('keys the budget by token subject: another user of the same agency, on the same address, is not slowed down', async () => {
      await expectBurstThenLimited(list(asUser('busy-user')));
      expect((await list(asUser('quiet-user'))()).status).toBe(200);
    });

    it('keys it by subject, not by token: a fresh token for the same user shares the spent budget', async () => {
      await expectBurstThenLimited(list(asUser('token-hopper')));
      expect((await list(asUser('token-hopper'))()).status).toBe(429);
    });

    it('refuses a limited write, and records nothing', async () => {
      const token = asUser('writer');
      await expectBurstThenLimited(list(token));
      const before = await storedEvents(hub);
      const res = await hub.request('POST', '/v1/people', token, { name: 'Limited Person', dateOfBirth: '1990-01-01' });
      expect(res.status).toBe(429);
      expect(await storedEvents(hub)).toBe(before);
    });
  });

  describe('given callers without a valid token, keyed by client address (a hub of their own each)', () => {
    let hub: TestHub;

    beforeEach(async () => {
      hub = await TestHub.start({ publisher: false, config: CONFIG });
    });
    afterEach(() => hub.close());

    it('allows the burst of unauthenticated calls, then answers 429 with Retry-After, and recovers', async () => {
      await expectBurstThenLimited(() => hub.request('GET', '/health'));
      const limited = await hub.request('GET', '/health');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate.limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await sleep(Number(limited.headers.get('retry-after')) * 1000);
      expect((await hub.request('GET', '/health')).status).toBe(200);
    });

    it('does not count the console\'s static files (a page load fetches dozens of them)', async () => {
      expect(await statuses(4 * BURST, () => hub.request('GET', '/console/app.js'))).toEqual(Array(4 * BURST).fill(200));
      expect((await hub.request('GET', '/health')).status).toBe(200);
    });

    it('counts failed authentication against the address: after the burst of 401s a flood of forged tokens gets 429, and so does the address until it recovers', async () => {
      const sms = await hub.registerAgency('sms', 'substance-misuse');
      const forged = () => hub.request('GET', '/v1/agencies', undefined, undefined, { authorization: `Bearer ${handSigned(sms, {}, claims(sms, { exp: nowSeconds() - 3600 }))}` });
      await expectBurstThenLimited(forged, 401);
      const neighbour = () => hub.request('GET', '/v1/agencies', handSigned(sms, {}, claims(sms, { sub: 'neighbour' })));
      expect((await neighbour()).status).toBe(429);
      await sleep((BURST / RATE) * 1000 + 100);
      expect((await neighbour()).status).toBe(200);
    });
  });

  it('does not limit at all when HUB_RATE_LIMIT is 0 (the harness default, and the benchmarks\')', async () => {
    const unlimited = await TestHub.start({ publisher: false });
    try {
      const caller = await unlimited.registerAgency('sms', 'substance-misuse');
      const token = await caller.token(['caseworker']);
      const results = await Promise.all(Array.from({ length: 300 }, () => unlimited.request('GET', '/v1/agencies', token).then((r) => r.status)));
      expect(results.filter((s) => s !== 200)).toEqual([]);
    } finally {
      await unlimited.close();
    }
  });
});
