import { ConsentExpiryWatcher } from '@onestop/application';
import type { HubCloudEvent } from '@onestop/delivery';
import { TestHub } from '../support/hub-harness';
import { AGENCY_IDS, AgencyId, HEALTH_ISP_V2, Partnership, shape, TYPE } from './partnership';

/**
 * When the basis for data an agency holds ends — consent withdrawn (fully or in part), consent
 * expired, an agreement version that no longer grants it — the agency gets a retraction listing
 * exactly the messages to delete, and confirms it with POST /v1/feed/acks.
 */
type Retractions = Partial<Record<AgencyId, string[]>>;

/** Every retraction about the person, by agency: the ids each lists (the checks on reason and cause are made here). */
async function retractionsAbout(p: Partnership, personId: string, cause: string, reason: string): Promise<Retractions> {
  const found: Retractions = {};
  for (const agency of AGENCY_IDS) {
    const messages: HubCloudEvent[] = await p.retractions(agency, personId);
    for (const m of messages) {
      expect(m.data).toMatchObject({ reason, causeId: cause });
      expect(m.consentid).toBeUndefined();
      found[agency] = [...(found[agency] ?? []), ...(m.data.retractedIds as string[])];
    }
  }
  return found;
}

/** Each agency's messages about the person recorded after the event `afterId`, as id → shape. */
async function laterShapes(p: Partnership, personId: string, afterId: string) {
  const cause = (await p.hub.runtime.store.readStream(`person-${personId}`)).find((e) => e.id === afterId)!;
  const out: Partial<Record<AgencyId, Record<string, string[]>>> = {};
  for (const agency of AGENCY_IDS) {
    const messages = await p.feedAbout(agency, personId);
    const later = messages.filter((m) => Number(m.sequence) > cause.position && m.type !== TYPE.retraction);
    if (later.length) out[agency] = Object.fromEntries(later.map((m) => [m.id, shape(m.data)]));
  }
  return out;
}

describe('retraction when the basis ends', () => {
  let hub: TestHub;
  let p: Partnership;
  beforeAll(async () => {
    hub = await TestHub.start();
    p = await Partnership.build(hub);
  });
  afterAll(() => hub.close());

  describe('full withdrawal', () => {
    let personId: string;
    let ids: string[]; // reg, consent, assessment, check-in, withdrawal, assessment
    beforeAll(async () => {
      personId = await p.register('housing');
      const consentId = await p.consent('hope', personId);
      await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health', 'physical-health', 'offending');
      await p.checkIn('police', personId, 'Stable this week', 'accommodation', 'offending');
      await p.withdraw('hope', personId, consentId);
      await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health', 'offending');
      await hub.published();
      ids = await p.eventIds(`person-${personId}`);
    });

    it('retracts from each agency exactly the consent-based messages it holds, and nothing public-task', async () => {
      const [registered, consent, assessed, checkIn, withdrawal] = ids;
      expect(await retractionsAbout(p, personId, withdrawal, 'consent-withdrawn')).toEqual({
        sms: [registered, consent, assessed, checkIn], // the identity it was sent when consent was given, too
        police: [assessed], // its own check-in stays
        health: [assessed],
        hope: [checkIn], // its own consent record and assessment stay
      });
      const rows = hub.runtime.db.prepare('SELECT agency_id, acknowledged_at FROM pub_retractions WHERE person_id = ? ORDER BY agency_id').all(personId);
      expect(rows).toEqual(['health', 'hope', 'police', 'sms'].map((agency_id) => ({ agency_id, acknowledged_at: null })));
    });

    it('sends no consent-based message after the withdrawal', async () => {
      const [, , , , withdrawal, after] = ids;
      expect(await laterShapes(p, personId, withdrawal)).toEqual({
        housing: { [after]: ['needs.accommodation', 'personId'] },
        hope: { [after]: ['assessmentId', 'needs.accommodation', 'needs.mental-health', 'needs.offending', 'needs.substance-use', 'personId'] },
      });
    });

    it('records acknowledgements, and refuses to acknowledge another agency\'s retraction', async () => {
      const [smsRetraction] = await p.retractions('sms', personId);
      const [policeRetraction] = await p.retractions('police', personId);
      const theirs = await p.as('police', 'POST', '/v1/feed/acks', { retractionIds: [smsRetraction.id] });
      expect(theirs.status).toBe(400);
      expect(theirs.body.error.fields).toHaveProperty('retractionIds');

      const acked = await p.as('sms', 'POST', '/v1/feed/acks', { retractionIds: [smsRetraction.id] });
      expect(acked).toMatchObject({ status: 200, body: { acknowledged: 1, unknown: [] } });
      const again = await p.as('sms', 'POST', '/v1/feed/acks', { retractionIds: [smsRetraction.id] });
      expect(again).toMatchObject({ status: 200, body: { acknowledged: 0, unknown: [] } });

      const state = hub.runtime.db.prepare('SELECT message_id, acknowledged_at, acknowledged_by FROM pub_retractions WHERE person_id = ?').all(personId) as Array<Record<string, string | null>>;
      const ackOf = (id: string) => state.find((r) => r.message_id === id)!;
      expect(ackOf(smsRetraction.id)).toMatchObject({ acknowledged_at: expect.any(String), acknowledged_by: 'sms-user' });
      expect(ackOf(policeRetraction.id)).toMatchObject({ acknowledged_at: null, acknowledged_by: null });
      expect(state.filter((r) => r.acknowledged_at === null)).toHaveLength(3);
    });

    it('lists the unconfirmed retractions to the DPO, and no longer the acknowledged one', async () => {
      const [smsRetraction] = await p.retractions('sms', personId);
      const dpo = await p.token('police', ['dpo']);
      const res = await hub.request('GET', '/v1/audit/retractions', dpo);
      expect(res.status).toBe(200);
      const mine = res.body.retractions.filter((r: { personId: string }) => r.personId === personId);
      expect(mine.map((r: { agencyId: string }) => r.agencyId).sort()).toEqual(['health', 'hope', 'police']);
      expect(mine.map((r: { retractionId: string }) => r.retractionId)).not.toContain(smsRetraction.id);
      expect(mine.every((r: { reason: string; messages: number }) => r.reason === 'consent-withdrawn' && r.messages > 0)).toBe(true);
      const caseworker = await hub.request('GET', '/v1/audit/retractions', await p.token('police'));
      expect(caseworker.status).toBe(403);
    });
  });

  describe('partial withdrawal of one category', () => {
    let personId: string;
    let ids: string[]; // reg, consent, assessment, check-in, withdrawal, assessment
    beforeAll(async () => {
      personId = await p.register('housing');
      const consentId = await p.consent('hope', personId);
      await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health');
      await p.checkIn('police', personId, 'Kept appointment', 'offending');
      await p.withdraw('hope', personId, consentId, { categories: ['substance-use'] });
      await p.assess('hope', personId, 'substance-use', 'mental-health');
      await hub.published();
      ids = await p.eventIds(`person-${personId}`);
    });

    it('retracts only the messages that relied on that category', async () => {
      const [, , assessed, , withdrawal] = ids;
      expect(await retractionsAbout(p, personId, withdrawal, 'consent-withdrawn')).toEqual({ sms: [assessed] });
    });

    it('strips only that category from later messages', async () => {
      const [, , , , withdrawal, after] = ids;
      const later = await laterShapes(p, personId, withdrawal);
      // sms keeps its grant of the support plan, but an assessment's id alone is not sent.
      expect(later.sms ?? {}).toEqual({});
      expect(later.health).toEqual({ [after]: ['needs.mental-health'] });
    });
  });

  describe('agreement change', () => {
    let personId: string;
    let ids: string[]; // reg, consent, assessment (mental health), assessment (physical health), assessment (both)
    let change: string;
    beforeAll(async () => {
      personId = await p.register('housing');
      await p.consent('hope', personId);
      await p.assess('hope', personId, 'mental-health');
      await p.assess('hope', personId, 'physical-health');
      await p.agreement('health-isp', HEALTH_ISP_V2);
      await p.assess('hope', personId, 'mental-health', 'physical-health');
      await hub.published();
      ids = await p.eventIds(`person-${personId}`);
      change = (await p.eventIds('agreement-health-isp'))[1];
    });

    it('retracts what was held only under the grant the new version drops', async () => {
      const [, , mental] = ids;
      expect(await retractionsAbout(p, personId, change, 'agreement-changed')).toEqual({ health: [mental] });
    });

    it('sends one retraction per person held under the dropped grant', async () => {
      const fromChange = (await p.feed('health')).filter((m) => m.type === TYPE.retraction && m.data.causeId === change);
      expect(fromChange).toHaveLength(2); // this person and the one who withdrew substance use only
      expect(new Set(fromChange.map((m) => m.id)).size).toBe(2);
      expect(new Set(fromChange.map((m) => m.subject)).size).toBe(2);
    });

    it('sends later messages only with what another agreement still grants', async () => {
      const [, , , , both] = ids;
      const message = (await p.feedAbout('health', personId)).find((m) => m.id === both)!;
      expect(shape(message.data)).toEqual(['needs.physical-health']);
      expect(message).toMatchObject({ agreementid: 'onestop', grant: 5, lawfulbasis: 'consent' });
    });
  });
});

describe('retraction when consent expires', () => {
  let clock = new Date('2026-03-02T09:00:00.000Z');
  let hub: TestHub;
  let p: Partnership;
  beforeAll(async () => {
    hub = await TestHub.start({ now: () => clock });
    p = await Partnership.build(hub);
  });
  afterAll(() => hub.close());

  it('expires the consent on its end date and retracts what relied on it', async () => {
    const personId = await p.register('housing');
    await p.consent('hope', personId, { validUntil: '2026-03-03T09:00:00.000Z' });
    await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health');
    const watcher = new ConsentExpiryWatcher(hub.runtime);
    expect(await watcher.runOnce()).toBe(0);

    clock = new Date('2026-03-04T09:00:00.000Z');
    expect(await watcher.runOnce()).toBe(1);
    await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health');
    await hub.published();

    const [registered, consent, assessed, expired, after] = await p.eventIds(`person-${personId}`);
    expect(await retractionsAbout(p, personId, expired, 'consent-expired')).toEqual({ sms: [registered, consent, assessed], health: [assessed] });
    expect(await laterShapes(p, personId, expired)).toEqual({
      housing: { [after]: ['needs.accommodation', 'personId'] },
      hope: { [after]: ['assessmentId', 'needs.accommodation', 'needs.mental-health', 'needs.substance-use', 'personId'] },
    });
  });
});
