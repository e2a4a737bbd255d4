import { agreementBody, consentBody, personBody, registerPerson, startPartnership, Partnership } from '../support/fixtures';
import { TestHub } from '../support/hub-harness';
import { ManualClock } from './audit-support';

type Answer = { categories: Array<{ category: string; permitted: boolean; purposes: Array<{ purpose: string; permitted: boolean; explanation: string }> }> };

const verdict = (answer: Answer, category: string, purpose = 'direct-support') => answer.categories.find((c) => c.category === category)!.purposes.find((p) => p.purpose === purpose)!;

describe('why could an agency see a category of a person\'s data at a moment', () => {
  const clock = new ManualClock('2030-03-01T09:00:00.000Z');
  let hub: TestHub;
  let p: Partnership;
  let dpo: string;
  let personId: string;
  let consentId: string;
  const t: Record<string, string> = {};

  const explain = async (agencyId: string, at: string, extra = '') => {
    const res = await hub.request('GET', `/v1/audit/explain?personId=${personId}&agencyId=${agencyId}&at=${encodeURIComponent(at)}${extra}`, dpo);
    expect(res.status).toBe(200);
    return res.body as Answer & Record<string, any>;
  };

  beforeAll(async () => {
    hub = await TestHub.start({ now: clock.now });
    t.beforeAgreement = clock.advance(-60);
    clock.advance(60);
    p = await startPartnership(hub);
    dpo = await p.sms.token(['dpo']);
    personId = await registerPerson(hub, p.tokens.housing, personBody());
    clock.advance(10);
    consentId = (await hub.request('POST', `/v1/people/${personId}/consents`, p.tokens.housing, consentBody())).body.consentId;
    t.consented = clock.advance(5);
    clock.advance(55);
    expect((await hub.request('POST', `/v1/people/${personId}/consents/${consentId}/withdraw`, p.tokens.housing, {})).status).toBe(200);
    t.withdrawn = clock.advance(1);
    clock.advance(59);
    const withoutAccommodation = agreementBody({
      grants: [
        { recipient: 'housing', categories: ['identity'], purposes: ['direct-support'], basis: 'public-task' },
        { recipient: 'sms', categories: ['identity', 'substance-use', 'referral'], purposes: ['direct-support', 'referral'], basis: 'consent', consentRequired: true },
      ],
    });
    expect((await hub.publishAgreement('one-stop-shop', withoutAccommodation)).status).toBe(201);
    t.changed = clock.advance(1);
  });
  afterAll(() => hub.close());

  it('before a consent withdrawal: permitted, naming agreement, version, grant, basis and consent', async () => {
    const answer = await explain('sms', t.consented);
    expect(verdict(answer, 'substance-use')).toEqual({
      purpose: 'direct-support',
      permitted: true,
      explanation: `permitted by agreement one-stop-shop v1, grant 2, basis consent with consent ${consentId}`,
      ground: { kind: 'grant', agreementId: 'one-stop-shop', version: 1, grant: 2, basis: 'consent', consentId },
    });
    expect(verdict(answer, 'mental-health')).toMatchObject({ permitted: false, explanation: 'no agreement in force grants this category for this purpose' });
    expect(answer.consents).toEqual([expect.objectContaining({ consentId, status: 'active' })]);
  });

  it('after the withdrawal: refused because no consent covers it, while the earlier moment still reads as permitted', async () => {
    const after = await explain('sms', t.withdrawn);
    expect(verdict(after, 'substance-use')).toEqual({
      purpose: 'direct-support',
      permitted: false,
      explanation: 'agreement one-stop-shop v1 grant 2 needs consent, and none in force covers it',
    });
    expect(after.consents).toEqual([expect.objectContaining({ consentId, status: 'withdrawn' })]);
    expect(verdict(await explain('sms', t.consented), 'substance-use').permitted).toBe(true);
  });

  it('before and after an agreement change: the version in force at each moment decides', async () => {
    const before = await explain('housing', t.withdrawn);
    expect(before.agreementsInForce).toEqual([expect.objectContaining({ agreementId: 'one-stop-shop', version: 1 })]);
    expect(verdict(before, 'accommodation')).toMatchObject({ permitted: true, explanation: 'permitted by agreement one-stop-shop v1, grant 1, basis public-task' });
    const after = await explain('housing', t.changed);
    expect(after.agreementsInForce).toEqual([expect.objectContaining({ agreementId: 'one-stop-shop', version: 2 })]);
    expect(verdict(after, 'accommodation')).toMatchObject({ permitted: false, explanation: 'no agreement in force grants this category for this purpose' });
    expect(verdict(after, 'identity')).toMatchObject({ permitted: true, explanation: 'permitted by agreement one-stop-shop v2, grant 1, basis public-task' });
  });

  it('before any agreement was published, nothing was permitted', async () => {
    const answer = await explain('housing', t.beforeAgreement);
    expect(answer.agreementsInForce).toEqual([]);
    expect(answer.categories.every((c) => !c.permitted)).toBe(true);
  });

  it('answers for one purpose when asked, and refuses unknown agencies, people and bad moments', async () => {
    const answer = await explain('sms', t.consented, '&purpose=referral');
    expect(answer.categories[0].purposes.map((x) => x.purpose)).toEqual(['referral']);
    expect((await hub.request('GET', `/v1/audit/explain?personId=${personId}&agencyId=nobody&at=${t.changed}`, dpo)).status).toBe(404);
    expect((await hub.request('GET', `/v1/audit/explain?personId=${crypto.randomUUID()}&agencyId=sms&at=${t.changed}`, dpo)).status).toBe(404);
    const bad = await hub.request('GET', `/v1/audit/explain?personId=${personId}&agencyId=sms&at=yesterday`, dpo);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['at']);
  });
});
