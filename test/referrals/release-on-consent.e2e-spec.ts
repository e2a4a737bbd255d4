import { TestHub } from '../support/hub-harness';
import { aboutReferral, boardOf, feedOf, refer, ReferralPartnership, referralConsent, registerPerson, startReferralPartnership } from './referral-partnership';

/**
 * "Every minute counts during those initial moments when someone chooses to accept help."
 * Outreach prepares a referral to detox before the person has agreed to it; the referral is
 * raised and delivered the moment the consent is recorded, and withdrawn when it is withdrawn.
 */
describe('referrals released on consent, over HTTP', () => {
  let hub: TestHub;
  let p: ReferralPartnership;
  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startReferralPartnership(hub);
  });
  afterAll(() => hub.close());

  describe('given a referral prepared for a person who has not consented', () => {
    let personId: string;
    let referralId: string;
    let consentId: string;

    beforeAll(async () => {
      personId = await registerPerson(hub, p);
      const prepared = await refer(hub, p, { personId, waitForConsent: true });
      expect(prepared.status).toBe('prepared');
      referralId = prepared.referralId;
    });

    it('it waits: the receiving agency has nothing of it, on its board or in its feed', async () => {
      await hub.published();
      expect(aboutReferral(await feedOf(hub, p.system.sms), referralId)).toEqual([]);
      expect((await boardOf(hub, p.caseworker.sms)).map((r) => r.referralId)).not.toContain(referralId);
      expect((await boardOf(hub, p.caseworker.outreach)).find((r) => r.referralId === referralId)).toMatchObject({ status: 'prepared', deadlines: [], rag: 'none' });
    });

    it('a consent that does not cover the receiving agency releases nothing', async () => {
      const other = await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['housing']));
      expect(other.status).toBe(201);
      expect((await boardOf(hub, p.caseworker.outreach)).find((r) => r.referralId === referralId)?.status).toBe('prepared');
    });

    it('when consent covering it is recorded, the receiving agency\'s feed holds the referral by the time the consent call returns', async () => {
      // A feed that takes a while to store, so that only waiting for delivery can pass this test.
      const feed = hub.runtime.feed;
      const deliver = feed.deliver.bind(feed);
      feed.deliver = async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        return deliver(batch);
      };
      const started = Date.now();
      const consent = await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms'])).finally(() => (feed.deliver = deliver));
      expect(consent.status).toBe(201);
      consentId = consent.body.consentId;
      // No waiting, no further call: the very next read of the feed has it.
      const messages = await feedOf(hub, p.system.sms);
      const raised = messages.find((m) => m.type === 'onestop.referral.raised.v1' && m.data.referralId === referralId);
      expect(raised).toBeDefined();
      expect(Date.now() - started).toBeLessThan(2000);
      // Exactly what the agreement grants sms under the referral purpose: the referral, and identity.
      expect(Object.keys(raised!.data).sort()).toEqual(
        ['acknowledgeBy', 'decideBy', 'fromAgency', 'personId', 'raisedAt', 'reason', 'referralId', 'service', 'startBy', 'toAgency', 'urgency'].sort(),
      );
      expect(raised).toMatchObject({ purpose: 'referral', agreementid: 'rapid-referral', lawfulbasis: 'consent', consentid: consentId });
      expect(raised!.data).toMatchObject({ personId, service: 'detox', urgency: 'immediate', reason: 'Asked for detox today' });
      // Detox sets 10 minutes to acknowledge an immediate referral, counted from the release.
      expect(Date.parse(raised!.data.acknowledgeBy) - Date.parse(raised!.data.raisedAt)).toBe(10 * 60_000);
    });

    it('it is on the receiver\'s duty board as raised, and the referrer follows it as a party, without identity', async () => {
      expect((await boardOf(hub, p.caseworker.sms)).find((r) => r.referralId === referralId)).toMatchObject({ direction: 'incoming', status: 'raised', rag: 'green' });
      const toReferrer = (await feedOf(hub, p.system.outreach)).find((m) => m.type === 'onestop.referral.raised.v1' && m.data.referralId === referralId);
      expect(toReferrer).toMatchObject({ agreementid: 'referral-party', lawfulbasis: 'referral-party' });
      expect(toReferrer!.data.personId).toBeUndefined();
    });

    it('when that consent is withdrawn, the referral is withdrawn and what the receiver held is retracted', async () => {
      const sent = (await feedOf(hub, p.system.sms)).find((m) => m.type === 'onestop.referral.raised.v1' && m.data.referralId === referralId)!;
      const withdrawn = await hub.request('POST', `/v1/people/${personId}/consents/${consentId}/withdraw`, p.caseworker.outreach, {});
      expect(withdrawn.status).toBe(200);
      expect((await boardOf(hub, p.caseworker.outreach)).find((r) => r.referralId === referralId)).toMatchObject({ status: 'withdrawn', deadlines: [] });
      const retraction = (await feedOf(hub, p.system.sms)).find((m) => m.type === 'onestop.retraction.v1' && m.data.retractedIds.includes(sent.id));
      expect(retraction?.data.reason).toBe('consent-withdrawn');
      const told = (await feedOf(hub, p.system.outreach)).find((m) => m.type === 'onestop.referral.withdrawn.v1' && m.data.referralId === referralId);
      expect(told?.data.reason).toBe('consent withdrawn');
      // The receiver, its consent gone, is not sent the withdrawal itself: the retraction is its
      // notice, and its feed no longer serves the referral the retraction names.
      expect(aboutReferral(await feedOf(hub, p.system.sms), referralId)).toEqual([]);
    });
  });

  it('a referral prepared when consent already covers it is raised at once', async () => {
    const personId = await registerPerson(hub, p);
    expect((await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms']))).status).toBe(201);
    const { referralId, status } = await refer(hub, p, { personId, waitForConsent: true });
    expect(status).toBe('raised');
    expect(aboutReferral(await feedOf(hub, p.system.sms), referralId)).toEqual(['onestop.referral.raised.v1']);
  });

  it('an agency whose agreement grants referrals but not identity receives the referral without the person\'s id', async () => {
    const personId = await registerPerson(hub, p);
    const { referralId } = await refer(hub, p, { personId, toAgency: 'cmht', service: 'crisis-mental-health', urgency: 'same-day', waitForConsent: true });
    expect((await hub.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['cmht']))).status).toBe(201);
    const raised = (await feedOf(hub, p.system.cmht)).find((m) => m.type === 'onestop.referral.raised.v1' && m.data.referralId === referralId);
    expect(raised).toBeDefined();
    expect(raised!.data.personId).toBeUndefined();
    expect(raised!.data.service).toBe('crisis-mental-health');
  });
});
