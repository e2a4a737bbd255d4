import { ApiResponse, Issuer, TestHub } from '../support/hub-harness';
import { storedEvents } from '../support/fixtures';
import { claims, handSigned, nowSeconds } from './forge';

/**
 * Rate limiting per caller with 429: a hub allowing 2 requests per second with a burst of 5,
 * per token subject once authenticated and per client address otherwise.
 */
const RATE = 2;
const BURST = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes `n` calls one after another and returns their statuses. */
async function statuses(n: number, call: () => Promise<ApiResponse>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) out.push((await call()).status);
  return out;
}

describe(`rate limiting (HUB_RATE_LIMIT=${RATE}, HUB_RATE_LIMIT_BURST=${BURST})`, () => {
  let hub: TestHub;
  let sms: Issuer;

  /** A caseworker token of sms for the user `sub` (each call a different token). */
  const asUser = async (sub: string) => handSigned(sms, {}, claims(sms, { sub, jti: `${sub}-${Math.random()}` }));
  const waitForFullBuckets = () => sleep((BURST / RATE) * 1000 + 100);

  beforeAll(async () => {
    hub = await TestHub.start({ config: { HUB_RATE_LIMIT: String(RATE), HUB_RATE_LIMIT_BURST: String(BURST) } });
    sms = await hub.registerAgency('sms', 'substance-misuse');
  });
  afterAll(() => hub.close());
  beforeEach(waitForFullBuckets);

  describe('given an authenticated caller', () => {
    it('allows the burst, then answers 429 rate.limited with Retry-After, and lets the caller in again after waiting', async () => {
      const token = await asUser('burst-user');
      const list = () => hub.request('GET', '/v1/agencies', token);
      expect(await statuses(BURST, list)).toEqual(Array(BURST).fill(200));
      const limited = await list();
      expect(limited.status).toBe(429);
      expect(limited.body.error).toMatchObject({ code: 'rate.limited', retryAfterSeconds: expect.any(Number) });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil(1 / RATE));
      await sleep(retryAfter * 1000);
      expect((await list()).status).toBe(200);
    });

    it('keys the budget by token subject: another user of the same agency, on the same address, is not slowed down', async () => {
      const first = await asUser('busy-user');
      expect(await statuses(BURST + 1, () => hub.request('GET', '/v1/agencies', first))).toEqual([...Array(BURST).fill(200), 429]);
      expect((await hub.request('GET', '/v1/agencies', await asUser('quiet-user'))).status).toBe(200);
    });

    it('keys it by subject, not by token: a fresh token for the same user shares the spent budget', async () => {
      const spent = await asUser('token-hopper');
      await statuses(BURST, () => hub.request('GET', '/v1/agencies', spent));
      const fresh = await asUser('token-hopper');
      expect(fresh).not.toBe(spent);
      expect((await hub.request('GET', '/v1/agencies', fresh)).status).toBe(429);
    });

    it('refuses a limited write, and records nothing', async () => {
      const token = await asUser('writer');
      await statuses(BURST, () => hub.request('GET', '/v1/agencies', token));
      const before = await storedEvents(hub);
      const res = await hub.request('POST', '/v1/people', token, { name: 'Limited Person', dateOfBirth: '1990-01-01' });
      expect(res.status).toBe(429);
      expect(await storedEvents(hub)).toBe(before);
    });
  });

  describe('given callers without a valid token, keyed by client address', () => {
    it('allows the burst of unauthenticated calls, then answers 429 with Retry-After, and recovers', async () => {
      expect(await statuses(BURST, () => hub.request('GET', '/health'))).toEqual(Array(BURST).fill(200));
      const limited = await hub.request('GET', '/health');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate.limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await sleep(Number(limited.headers.get('retry-after')) * 1000);
      expect((await hub.request('GET', '/health')).status).toBe(200);
    });

    it('does not count the console\'s static files (a page load fetches dozens of them)', async () => {
      const files = await statuses(4 * BURST, () => hub.request('GET', '/console/app.js'));
      expect(files).toEqual(Array(4 * BURST).fill(200));
      expect((await hub.request('GET', '/health')).status).toBe(200);
    });

    it('counts failed authentication against the address: after the burst of 401s a flood of forged tokens gets 429, and so does the address until it recovers', async () => {
      const forged = () => hub.request('GET', '/v1/agencies', undefined, undefined, { authorization: `Bearer ${handSigned(sms, {}, claims(sms, { exp: nowSeconds() - 3600 }))}` });
      expect(await statuses(BURST, forged)).toEqual(Array(BURST).fill(401));
      expect(await statuses(3, forged)).toEqual([429, 429, 429]);
      expect((await hub.request('GET', '/v1/agencies', await asUser('neighbour'))).status).toBe(429);
      await waitForFullBuckets();
      expect((await hub.request('GET', '/v1/agencies', await asUser('neighbour'))).status).toBe(200);
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
