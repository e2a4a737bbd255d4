import { ReferralDeadlineTimer } from '@onestop/application';
import { TestHub } from '../support/hub-harness';
import { refer, ReferralPartnership, referralConsent, registerPerson, startReferralPartnership } from './referral-partnership';

/** Monday 4 March 2030, 09:00 UTC. */
const START = Date.parse('2030-03-04T09:00:00.000Z');
const MINUTE = 60_000;
const PERIOD = '?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z';

/**
 * Waiting times: two immediate detox referrals (one acknowledged in 5 minutes, accepted in 30 and
 * started the next day; one acknowledged late at 20 minutes, accepted late after 2 hours) and a
 * routine rehab referral acknowledged the next day and declined.
 */
describe('referral measures and /metrics', () => {
  let hub: TestHub;
  let p: ReferralPartnership;
  let now = START;
  let personId: string;
  const at = (minutes: number) => (now = START + minutes * MINUTE);
  const act = (referralId: string, action: string, body: unknown = {}) => hub.request('POST', `/v1/referrals/${referralId}/${action}`, p.system.sms, body);

  beforeAll(async () => {
    hub = await TestHub.start({ now: () => new Date(now) });
    p = await startReferralPartnership(hub);
    personId = await registerPerson(hub, p);
    await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms']));
    const quick = (await refer(hub, p, { personId })).referralId;
    const slow = (await refer(hub, p, { personId })).referralId;
    const rehab = (await refer(hub, p, { personId, service: 'rehab', urgency: 'routine' })).referralId;
    at(5);
    await act(quick, 'acknowledge');
    at(15);
    await new ReferralDeadlineTimer(hub.runtime).runOnce(); // the slow one missed its 10 minutes
    at(20);
    await act(slow, 'acknowledge');
    at(30);
    await act(quick, 'accept');
    at(120);
    await act(slow, 'accept');
    at(24 * 60);
    await act(quick, 'start');
    await act(rehab, 'acknowledge');
    await act(rehab, 'decline', { reason: 'No beds' });
  });
  afterAll(() => hub.close());

  it('gives median, 90th percentile and share within deadline to acknowledge, accept and start, per service and urgency', async () => {
    const res = await hub.request('GET', `/v1/referrals/measures${PERIOD}&service=detox&urgency=immediate`, p.caseworker.sms);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2030-03-01T00:00:00.000Z',
      to: '2030-04-01T00:00:00.000Z',
      service: 'detox',
      urgency: 'immediate',
      referrals: 2,
      acknowledge: { reached: 2, medianSeconds: 300, p90Seconds: 1200, withinDeadline: 0.5, overdue: 0 },
      accept: { reached: 2, medianSeconds: 1800, p90Seconds: 7200, withinDeadline: 0.5, overdue: 0 },
      start: { reached: 1, medianSeconds: 86400, p90Seconds: 86400, withinDeadline: 1, overdue: 0 },
      startedWithin20WorkingDays: { share: 1, of: 1 },
    });
  });

  it('counts a referral still waiting after 20 working days against the national measure', async () => {
    at(60 * 24 * 60);
    const res = await hub.request('GET', `/v1/referrals/measures${PERIOD}`, p.caseworker.outreach);
    expect(res.body).toMatchObject({ referrals: 3, start: { reached: 1, withinDeadline: 0.5, overdue: 1 }, startedWithin20WorkingDays: { share: 0.5, of: 2 } });
    expect(res.body.acknowledge).toMatchObject({ reached: 3, medianSeconds: 1200, p90Seconds: 86400, withinDeadline: 0.6667 });
  });

  it('shows an agency only the referrals it raised or received, and the administrator all of them', async () => {
    expect((await hub.request('GET', `/v1/referrals/measures${PERIOD}`, p.caseworker.housing)).body.referrals).toBe(0);
    expect((await hub.request('GET', `/v1/referrals/measures${PERIOD}`, await hub.admin.token(['admin']))).body.referrals).toBe(3);
  });

  it('refuses a period that ends before it starts, naming from', async () => {
    const res = await hub.request('GET', '/v1/referrals/measures?from=2030-04-01&to=2030-03-01', p.caseworker.sms);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['from']);
  });

  it('serves the same waiting times as Prometheus histograms, with escalations, to a scrape without a token', async () => {
    const res = await fetch(`${hub.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const lines = text.split('\n');
    const detox = 'service="detox",urgency="immediate"';
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE onestop_referral_time_to_acknowledge_seconds histogram',
        `onestop_referral_time_to_acknowledge_seconds_bucket{${detox},le="300"} 1`,
        `onestop_referral_time_to_acknowledge_seconds_bucket{${detox},le="900"} 1`,
        `onestop_referral_time_to_acknowledge_seconds_bucket{${detox},le="1800"} 2`,
        `onestop_referral_time_to_acknowledge_seconds_bucket{${detox},le="+Inf"} 2`,
        `onestop_referral_time_to_acknowledge_seconds_sum{${detox}} 1500`,
        `onestop_referral_time_to_acknowledge_seconds_count{${detox}} 2`,
        `onestop_referral_time_to_accept_seconds_count{${detox}} 2`,
        `onestop_referral_time_to_start_seconds_bucket{${detox},le="86400"} 1`,
        'onestop_referral_escalations_total{missed="acknowledge",urgency="immediate"} 1',
        'onestop_referrals{status="declined"} 1',
      ]),
    );
    // Nothing about any person: no ids, no reasons.
    expect(text).not.toContain(personId);
    expect(text).not.toMatch(/detox today|No beds|referralId|personId/);
    for (const line of lines.filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? (\d+(\.\d+)?|\+Inf)$/);
  });
});
