import { TestHub } from '../support/hub-harness';
import { AGENCY_IDS, AgencyId, expectedShapes, Partnership, shape } from './partnership';

/**
 * Exactly which fields each agency receives (feed, decided at the event's time) and reads
 * (history, decided now), before and after the person consents.
 */
const P = 'personId';
const REGISTERED = ['name', 'dateOfBirth', 'identifiers', 'contact'];
const CONSENT = ['consentId', 'recipients', 'categories', 'purposes', 'method', 'evidenceRef', 'validFrom'];
const ASSESSED = ['needs.accommodation', 'needs.substance-use', 'needs.mental-health', 'needs.offending', 'needs.finances'];

describe('which fields each agency sees', () => {
  let hub: TestHub;
  let p: Partnership;
  let personId: string;
  let ids: string[]; // reg, assessment, check-in, consent, assessment, check-in
  let consentId: string;

  const history = async (agency: AgencyId) => {
    const res = await p.as(agency, 'GET', `/v1/people/${personId}/history`);
    if (res.status === 404) return null;
    expect(res.status).toBe(200);
    return res.body as { pseudonym: string; events: Array<{ id: string; data: Record<string, unknown> }> };
  };
  const historyShapes = async (agency: AgencyId) => {
    const h = await history(agency);
    return h && Object.fromEntries(h.events.map((e) => [e.id, shape(e.data)]));
  };

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await Partnership.build(hub);
    personId = await p.register('housing');
    await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health', 'offending', 'finances');
    await p.checkIn('police', personId, 'Seen at the hub', 'accommodation', 'offending');
    await hub.published();
  });
  afterAll(() => hub.close());

  describe('before consent', () => {
    it('feeds carry only public-task data and each agency\'s own records', async () => {
      ids = await p.eventIds(`person-${personId}`);
      const [reg, a1, c1] = ids;
      expect(await p.shapes('housing', personId)).toEqual(
        expectedShapes([[reg, [P, ...REGISTERED]], [a1, [P, 'needs.accommodation']], [c1, [P, 'changes.accommodation']]]),
      );
      expect(await p.shapes('police', personId)).toEqual(expectedShapes([[c1, [P, 'checkInId', 'changes.accommodation', 'changes.offending', 'note']]]));
      expect(await p.shapes('hope', personId)).toEqual(expectedShapes([[a1, [P, 'assessmentId', ...ASSESSED]]]));
      expect(await p.shapes('sms', personId)).toEqual({});
      expect(await p.shapes('health', personId)).toEqual({});
    });

    it('history shows the same, and nothing at all (404) to agencies relying on consent', async () => {
      const [reg, a1, c1] = ids;
      expect(await historyShapes('housing')).toEqual(
        expectedShapes([[reg, [P, ...REGISTERED]], [a1, [P, 'needs.accommodation']], [c1, [P, 'changes.accommodation']]]),
      );
      expect(await historyShapes('police')).toEqual(expectedShapes([[c1, [P, 'checkInId', 'changes.accommodation', 'changes.offending', 'note']]]));
      expect(await historyShapes('hope')).toEqual(expectedShapes([[a1, [P, 'assessmentId', ...ASSESSED]]]));
      expect(await history('sms')).toBeNull();
      expect(await history('health')).toBeNull();
    });
  });

  describe('after consent', () => {
    beforeAll(async () => {
      consentId = await p.consent('hope', personId);
      await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health', 'offending', 'finances');
      await p.checkIn('police', personId, 'Asked about detox', 'accommodation', 'offending', 'substance-use');
      await hub.published();
      ids = await p.eventIds(`person-${personId}`);
    });

    /** After consent, feed and history agree: what came before was sent when consent was given. */
    const afterConsent = (): Record<AgencyId, Record<string, string[]>> => {
      const [reg, a1, c1, consent, a2, c2] = ids;
      return {
        housing: expectedShapes([
          [reg, [P, ...REGISTERED]],
          [a1, [P, 'needs.accommodation']],
          [c1, [P, 'changes.accommodation']],
          [a2, [P, 'needs.accommodation']],
          [c2, [P, 'changes.accommodation']],
        ]),
        sms: expectedShapes([
          [reg, [P, 'name', 'dateOfBirth', 'identifiers']], // identity, not contact
          [a1, [P, 'assessmentId', 'needs.substance-use']],
          [c1, [P, 'checkInId', 'note']],
          [consent, [P, ...CONSENT]],
          [a2, [P, 'assessmentId', 'needs.substance-use']],
          [c2, [P, 'checkInId', 'changes.substance-use', 'note']],
        ]),
        police: expectedShapes([
          [a1, ['needs.offending']],
          [c1, [P, 'checkInId', 'changes.accommodation', 'changes.offending', 'note']],
          [a2, ['needs.offending']],
          [c2, [P, 'checkInId', 'changes.accommodation', 'changes.offending', 'changes.substance-use', 'note']],
        ]),
        health: expectedShapes([[a1, ['needs.mental-health']], [a2, ['needs.mental-health']]]),
        hope: expectedShapes([
          [a1, [P, 'assessmentId', ...ASSESSED]],
          [c1, ['changes.accommodation']],
          [consent, [P, ...CONSENT]],
          [a2, [P, 'assessmentId', ...ASSESSED]],
          [c2, ['changes.accommodation']],
        ]),
      };
    };

    it.each(AGENCY_IDS)('feed of %s: each consented category, including the earlier record sent at the consent', async (agency) => {
      expect(await p.shapes(agency, personId)).toEqual(afterConsent()[agency]);
    });

    it.each(AGENCY_IDS)('history of %s: the same fields, decided now', async (agency) => {
      expect(await historyShapes(agency)).toEqual(afterConsent()[agency]);
    });

    it('names the agreement, grant, basis and consent that permitted each message', async () => {
      const [, a1, , , a2, c2] = ids;
      const ext = async (agency: AgencyId, id: string) => {
        const m = (await p.feedAbout(agency, personId)).find((x) => x.id === id)!;
        return { agreement: m.agreementid, version: m.agreementversion, grant: m.grant, basis: m.lawfulbasis, consent: m.consentid ?? null };
      };
      expect(await ext('housing', a1)).toEqual({ agreement: 'onestop', version: 1, grant: 1, basis: 'public-task', consent: null });
      expect(await ext('sms', a2)).toEqual({ agreement: 'onestop', version: 1, grant: 2, basis: 'consent', consent: consentId });
      expect(await ext('police', a2)).toEqual({ agreement: 'onestop', version: 1, grant: 3, basis: 'public-task', consent: consentId });
      expect(await ext('hope', c2)).toEqual({ agreement: 'onestop', version: 1, grant: 4, basis: 'consent', consent: consentId });
      expect(await ext('health', a2)).toEqual({ agreement: 'health-isp', version: 1, grant: 1, basis: 'consent', consent: consentId });
      expect(await ext('hope', a1)).toEqual({ agreement: 'own-record', version: 0, grant: 0, basis: 'own-record', consent: null });
    });

    it('addresses each agency by its own stable pseudonym, never the hub id', async () => {
      const subjects: string[] = [];
      for (const agency of AGENCY_IDS) {
        const about = (await p.feed(agency)).filter((m) => ids.includes(m.id));
        const seen = [...new Set(about.map((m) => m.subject))];
        expect(seen).toHaveLength(1);
        expect((await history(agency))!.pseudonym).toBe(seen[0]);
        subjects.push(seen[0]);
      }
      expect(new Set(subjects).size).toBe(AGENCY_IDS.length);
      expect(subjects).not.toContain(personId);
    });
  });

  it('sends referral events only to the two agencies it is addressed to', async () => {
    const { referralId } = await p.ok('hope', 'POST', '/v1/referrals', { personId, toAgency: 'sms', service: 'detox', urgency: 'same-day', reason: 'Asked for detox today' });
    await p.ok('sms', 'POST', `/v1/referrals/${referralId}/acknowledge`, {});
    await hub.published();
    const [raised, acknowledged] = await hub.runtime.repository.readStream(`referral-${referralId}`);
    // every field of a referral event is referral data, bar the person's id (identity)
    const all = (e: typeof raised) => shape(e.data as Record<string, unknown>);
    const withoutId = (e: typeof raised) => all(e).filter((k) => k !== P);
    expect(all(raised)).toEqual(expect.arrayContaining([P, 'referralId', 'fromAgency', 'toAgency', 'service', 'urgency', 'reason', 'raisedAt', 'acknowledgeBy']));
    const about = async (agency: AgencyId) =>
      Object.fromEntries((await p.feed(agency)).filter((m) => m.id === raised.id || m.id === acknowledged.id).map((m) => [m.id, shape(m.data)]));
    expect(await about('hope')).toEqual(expectedShapes([[raised.id, all(raised)], [acknowledged.id, withoutId(acknowledged)]]));
    expect(await about('sms')).toEqual(expectedShapes([[raised.id, all(raised)], [acknowledged.id, all(acknowledged)]]));
    // housing's grant covers referrals under public task, but the referral is not addressed to it
    for (const other of ['housing', 'police', 'health'] as const) expect(await about(other)).toEqual({});
    expect((await history('housing'))!.events.map((e) => e.id)).not.toContain(raised.id);
  });

  it('always shows an agency its own records, whatever the agreements grant it', async () => {
    const own = await p.register('police', 'Sam Own');
    await p.checkIn('police', own, 'Arrested, asked for help', 'offending', 'mental-health');
    await hub.published();
    const [reg, checkIn] = await p.eventIds(`person-${own}`);
    expect(await p.shapes('police', own)).toEqual(
      expectedShapes([[reg, [P, ...REGISTERED]], [checkIn, [P, 'checkInId', 'changes.offending', 'changes.mental-health', 'note']]]),
    );
    const read = await p.as('police', 'GET', `/v1/people/${own}`);
    expect(read.status).toBe(200);
    expect(read.body.identity.name).toBe('Sam Own');
    expect(await p.shapes('health', own)).toEqual({});
    expect(await p.shapes('housing', own)).toEqual(expectedShapes([[reg, [P, ...REGISTERED]]]));
  });
});
