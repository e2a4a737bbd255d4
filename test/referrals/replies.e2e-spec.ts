import { TestHub } from '../support/hub-harness';
import { boardOf, DETOX, feedOf, refer, ReferralPartnership, referralConsent, registerPerson, startReferralPartnership } from './referral-partnership';

/** Replies from the receiving agency, services and their deadlines. */
describe('referral replies and services, over HTTP', () => {
  let hub: TestHub;
  let p: ReferralPartnership;
  let personId: string;
  const act = (referralId: string, action: string, token: string, body: unknown = {}) => hub.request('POST', `/v1/referrals/${referralId}/${action}`, token, body);

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startReferralPartnership(hub);
    personId = await registerPerson(hub, p);
    await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms', 'cmht']));
  });
  afterAll(() => hub.close());

  it('the receiving agency\'s IT system acknowledges, accepts, starts and completes with a system token', async () => {
    const { referralId } = await refer(hub, p, { personId });
    for (const [action, status] of [['acknowledge', 'acknowledged'], ['accept', 'accepted'], ['start', 'started'], ['complete', 'completed']]) {
      const res = await act(referralId, action, p.system.sms);
      expect([action, res.status, res.body.status]).toEqual([action, 200, status]);
    }
    await hub.published();
    const told = (await feedOf(hub, p.system.outreach)).filter((m) => m.data.referralId === referralId).map((m) => m.type);
    expect(told).toEqual(['onestop.referral.raised.v1', 'onestop.referral.acknowledged.v1', 'onestop.referral.accepted.v1', 'onestop.referral.started.v1', 'onestop.referral.completed.v1']);
  });

  it('a caseworker of the receiving agency declines with a reason, which the referrer is told', async () => {
    const { referralId } = await refer(hub, p, { personId, service: 'rehab', urgency: 'routine' });
    expect((await act(referralId, 'decline', p.caseworker.sms, { reason: 'No rehab beds until May' })).status).toBe(200);
    await hub.published();
    const declined = (await feedOf(hub, p.system.outreach)).find((m) => m.type === 'onestop.referral.declined.v1' && m.data.referralId === referralId);
    expect(declined?.data.reason).toBe('No rehab beds until May');
  });

  it.each<[string, string, 'outreach' | 'housing' | 'cmht', 'caseworker' | 'system']>([
    ['another agency\'s caseworker', 'acknowledge', 'housing', 'caseworker'],
    ['another agency\'s IT system', 'accept', 'housing', 'system'],
    ['the referring agency\'s IT system', 'acknowledge', 'outreach', 'system'],
    ['an agency the person also consented to', 'decline', 'cmht', 'caseworker'],
  ])('a reply from %s is refused with 403 referral.wrong-agency, recording nothing', async (_, action, agency, role) => {
    const { referralId } = await refer(hub, p, { personId });
    const res = await act(referralId, action, p[role][agency], { reason: 'not ours' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('referral.wrong-agency');
    expect((await boardOf(hub, p.caseworker.outreach)).find((r) => r.referralId === referralId)).toMatchObject({ status: 'raised', revision: 0 });
  });

  it('refuses a referral to a service the receiving agency does not list, with a 400 naming service', async () => {
    const res = await hub.request('POST', '/v1/referrals', p.caseworker.outreach, { personId, toAgency: 'sms', service: 'housing-first', urgency: 'routine', reason: 'Needs a home' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ service: 'sms offers detox, rehab' });
  });

  it('takes a referral to any service of an agency that lists none', async () => {
    expect((await refer(hub, p, { personId, toAgency: 'cmht', service: 'crisis-mental-health' })).status).toBe('raised');
  });

  it('applies the deadlines a service sets when the agency is registered, and the defaults otherwise', async () => {
    const admin = await hub.admin.token(['admin']);
    const agencies = await hub.request('GET', '/v1/agencies', admin);
    expect(agencies.body.agencies.find((a: { agencyId: string }) => a.agencyId === 'sms').services[0]).toEqual(DETOX);
    const detox = await refer(hub, p, { personId });
    const rehab = await refer(hub, p, { personId, service: 'rehab' });
    const board = await boardOf(hub, p.caseworker.sms);
    const allowed = (id: string) => {
      const r = board.find((x) => x.referralId === id)!;
      return (Date.parse(r.acknowledgeBy) - Date.parse(r.raisedAt)) / 60_000;
    };
    expect([allowed(detox.referralId), allowed(rehab.referralId)]).toEqual([10, 15]);
  });

  it('refuses a service deadline that gives both minutes and working days, naming it', async () => {
    const admin = await hub.admin.token(['admin']);
    const sms = p.issuers.sms;
    const res = await hub.request('PUT', '/v1/agencies/sms', admin, {
      name: 'sms agency',
      kind: 'substance-misuse',
      issuer: sms.issuer,
      jwks: { keys: [sms.publicJwk] },
      services: [{ id: 'detox', name: 'Community detox', deadlines: { start: { routine: { minutes: 60, workingDays: 2 } } } }],
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['services[0].deadlines.start.routine']);
  });
});
