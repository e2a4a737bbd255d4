import { PersonReader } from '@onestop/application';
import type { Purpose } from '@onestop/domain';
import { TestHub } from '../support/hub-harness';
import { AGENCIES, AgencyId, HEALTH_ISP_V2, Partnership, shape } from './partnership';

/**
 * A history read is decided at the moment of reading, whatever was read before. The hub keeps
 * each event's last decision for the next read of the person; it must not show a kept decision
 * once consent is withdrawn, an agreement changes, a consent runs out, or another agency or
 * purpose reads. Every read here is compared with a reader deciding every event afresh, and the
 * points where the history must change are checked by name.
 */
describe('history reads are decided now, whatever was read before', () => {
  let clock = new Date('2026-03-02T09:00:00.000Z');
  let hub: TestHub;
  let p: Partnership;
  let personId: string;
  let consentId: string;
  let assessment: string;

  /** The history over HTTP, checked against a reader that keeps no decisions; id → shape, or null for 404. */
  const read = async (agency: AgencyId, purpose?: Purpose): Promise<Record<string, string[]> | null> => {
    const token = await p.token(agency, ['caseworker'], purpose ? { purpose } : {});
    const res = await hub.request('GET', `/v1/people/${personId}/history`, token);
    const { runtime } = hub;
    const afresh = new PersonReader(runtime.db, runtime.repository, runtime.directory, runtime.keys, runtime.pseudonymizer);
    const viewer = { agency: { agencyId: agency, kind: AGENCIES[agency] }, purpose: purpose ?? 'direct-support' };
    const expected = await afresh.visibleHistory(personId, viewer, runtime.nowIso());
    if (expected.length === 0) {
      expect(res.status).toBe(404);
      return null;
    }
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual(JSON.parse(JSON.stringify(expected)));
    return Object.fromEntries((res.body.events as Array<{ id: string; data: Record<string, unknown> }>).map((e) => [e.id, shape(e.data)]));
  };

  beforeAll(async () => {
    hub = await TestHub.start({ now: () => clock });
    p = await Partnership.build(hub);
    personId = await p.register('housing');
    consentId = await p.consent('hope', personId, { validUntil: '2026-03-03T09:00:00.000Z' });
    await p.assess('hope', personId, 'accommodation', 'substance-use', 'mental-health');
    assessment = (await p.eventIds(`person-${personId}`))[2];
  });
  afterAll(() => hub.close());

  it('gives the same history to the same reader twice, and each agency and purpose its own in between', async () => {
    const first = await read('sms');
    expect(first?.[assessment]).toEqual(['assessmentId', 'needs.substance-use', 'personId']);
    expect(await read('sms')).toEqual(first);
    expect((await read('housing'))?.[assessment]).toEqual(['needs.accommodation', 'personId']);
    expect((await read('sms', 'referral'))?.[assessment]).toEqual(['assessmentId', 'needs.substance-use', 'personId']);
    expect(await read('police', 'crime-prevention')).toBeNull();
    expect(await read('sms')).toEqual(first);
  });

  it('stops showing a category the moment its consent is withdrawn', async () => {
    expect((await read('sms'))?.[assessment]).toContain('needs.substance-use');
    await p.withdraw('hope', personId, consentId, { categories: ['substance-use'] });
    // Nothing of the assessment is left for sms but its id, so it is not shown at all.
    const sms = await read('sms');
    expect(sms).toBeDefined();
    expect(sms?.[assessment]).toBeUndefined();
    expect((await read('health'))?.[assessment]).toEqual(['needs.mental-health']);
  });

  it('follows a new agreement version at once', async () => {
    expect((await read('health'))?.[assessment]).toEqual(['needs.mental-health']);
    await p.agreement('health-isp', HEALTH_ISP_V2);
    expect(await read('health')).toBeNull();
  });

  it('stops showing what rested on a consent once it has run out, before anything records its expiry', async () => {
    const registration = (await p.eventIds(`person-${personId}`))[0];
    expect((await read('sms'))?.[registration]).toEqual(expect.arrayContaining(['name', 'personId']));
    clock = new Date('2026-03-04T09:00:00.000Z');
    expect(await read('sms')).toBeNull();
    // Housing's grant is public task: it does not rest on the consent.
    expect((await read('housing'))?.[assessment]).toEqual(['needs.accommodation', 'personId']);
  });
});
