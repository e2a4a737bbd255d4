import { TestHub } from '../support/hub-harness';

/** When a person says yes, the agencies they name receive the record that consent now covers. */
describe('disclosure of the existing record when consent is given', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start();
  });
  afterAll(() => hub.close());

  it('sends earlier events newly covered, once, and again under a new id after withdrawal and re-consent', async () => {
    const sms = await hub.registerAgency('sms', 'substance-misuse');
    const housing = await hub.registerAgency('housing', 'housing');
    await hub.publishAgreement('isp', {
      title: 'ISP',
      parties: ['sms', 'housing'],
      grants: [{ recipient: 'housing', categories: ['identity', 'accommodation'], purposes: ['direct-support'], basis: 'consent' }],
      reviewDate: '2099-01-01',
    });
    const worker = await sms.token(['caseworker']);
    const person = (await hub.request('POST', '/v1/people', worker, { name: 'Backfill Person', dateOfBirth: '1993-09-09' })).body.personId;
    await hub.request('POST', `/v1/people/${person}/assessments`, worker, {
      needs: { accommodation: { level: 'high', summary: 'sofa surfing' }, 'substance-use': { level: 'crisis', summary: 'daily use' } },
    });
    await hub.published();
    const feed = async () => (await hub.request('GET', '/v1/feed?limit=1000', await housing.token(['system']))).body.messages as any[];
    expect(await feed()).toHaveLength(0);

    const consent = {
      recipients: { agencies: ['housing'], kinds: [] },
      categories: ['identity', 'accommodation'],
      purposes: ['direct-support'],
      method: 'written',
    };
    const given = await hub.request('POST', `/v1/people/${person}/consents`, worker, consent);
    expect(given.status).toBe(201);
    await hub.published();
    const afterConsent = await feed();
    const types = afterConsent.map((m) => m.type);
    expect(types).toEqual(expect.arrayContaining(['onestop.person.registered.v1', 'onestop.needs.assessed.v1']));
    const registered = afterConsent.find((m) => m.type === 'onestop.person.registered.v1');
    expect(registered.data).toMatchObject({ name: 'Backfill Person', dateOfBirth: '1993-09-09', personId: person });
    const assessed = afterConsent.find((m) => m.type === 'onestop.needs.assessed.v1');
    expect(Object.keys(assessed.data.needs)).toEqual(['accommodation']);
    expect(assessed.consentid).toBe(given.body.consentId);

    await hub.request('POST', `/v1/people/${person}/consents/${given.body.consentId}/withdraw`, worker, {});
    await hub.request('POST', `/v1/people/${person}/consents`, worker, consent);
    await hub.published();
    const all = await feed();
    const retraction = all.find((m) => m.type === 'onestop.retraction.v1');
    expect(retraction.data.retractedIds).toEqual(expect.arrayContaining([registered.id, assessed.id]));
    // What the retraction named is no longer served; the record is there again under a new id.
    expect(all.map((m) => m.id)).not.toEqual(expect.arrayContaining([registered.id]));
    expect(all.map((m) => m.id)).not.toEqual(expect.arrayContaining([assessed.id]));
    const again = all.filter((m) => m.type === 'onestop.person.registered.v1');
    expect(again).toHaveLength(1);
    expect(again[0].id).not.toBe(registered.id);
    expect(again[0].data).toEqual(registered.data);
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
  });
});
