import { ConsentWithdrawnV1 } from '@onestop/domain';
import {
  agreementVersion,
  consentGiven,
  consentsFrom,
  decisionInput,
  grant,
  housing,
  needsAssessed,
  PERSON_ID,
  personRegistered,
  police,
  referralRaised,
  shelter,
  sms,
  stored,
} from '../testing';
import { decide, groundsByGrant, groundsKey } from './decide';
import { describeGround, explainCategories } from './explain';
import { Decision, Permit } from './policy.types';

const permitted = (decision: Decision): Permit => {
  if (!decision.permit) throw new Error(`expected a permit, got a deny: ${decision.reasons.join('; ')}`);
  return decision;
};
const needsCategories = (decision: Decision) => Object.keys(permitted(decision).data.needs as object).sort();

const supportScope = {
  recipients: { agencies: ['housing'], kinds: [] },
  categories: ['accommodation' as const, 'substance-use' as const],
  purposes: ['direct-support' as const],
};
const onConsent = agreementVersion('rapid-referral', [grant('housing', ['accommodation', 'substance-use'], ['direct-support'], 'consent')]);

describe('decide: the sharing decision', () => {
  describe('given a consent-based grant to housing', () => {
    it('when the person has consented, housing receives the needs, naming the consent', () => {
      const decision = decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [onConsent], consents: consentsFrom(consentGiven('c-1', supportScope)) }));
      expect(needsCategories(decision)).toEqual(['accommodation', 'substance-use']);
      expect(permitted(decision).grounds.accommodation).toEqual({ kind: 'grant', agreementId: 'rapid-referral', version: 1, grant: 1, basis: 'consent', consentId: 'c-1' });
    });

    it('when there is no consent, nothing is delivered and the reason says consent is missing', () => {
      const decision = decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [onConsent] }));
      expect(decision.permit).toBe(false);
      expect(decision.permit ? [] : decision.reasons).toContain('accommodation: agreement rapid-referral v1 grant 1 needs consent, and none in force covers it');
    });

    it('when consent is withdrawn for one category, only that category is stripped', () => {
      const withdrawSubstanceUse: ConsentWithdrawnV1 = {
        type: 'ConsentWithdrawn.v1',
        data: { personId: PERSON_ID, consentId: 'c-1', scope: { categories: ['substance-use'] }, withdrawnAt: '2025-03-05T09:00:00.000Z' },
      };
      const consents = consentsFrom(consentGiven('c-1', supportScope), withdrawSubstanceUse);
      const decision = decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [onConsent], consents }));
      expect(needsCategories(decision)).toEqual(['accommodation']);
    });

    it('the grounds key names the consent relied on, so a decision is not reused under another consent', () => {
      const keyUnder = (consentId: string) =>
        groundsKey(groundsByGrant(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [onConsent], consents: consentsFrom(consentGiven(consentId, supportScope)) })));
      expect(keyUnder('c-1')).toBe(keyUnder('c-1'));
      expect(keyUnder('c-1')).not.toBe(keyUnder('c-2'));
      expect(keyUnder('c-1')).not.toBe(groundsKey(groundsByGrant(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [onConsent] }))));
    });
  });

  describe('given a public-task grant', () => {
    const publicTask = agreementVersion('mash', [grant('police', ['referral', 'support-plan'], ['crime-prevention'])]);

    it('police receive the referral without any consent', () => {
      const decision = decide(decisionInput({ event: stored(referralRaised), agency: police, agreements: [publicTask], purpose: 'crime-prevention' }));
      expect(permitted(decision).data).toMatchObject({ referralId: referralRaised.data.referralId, service: 'detox', reason: 'wants detox now' });
      expect(permitted(decision).primary).toEqual({ kind: 'grant', agreementId: 'mash', version: 1, grant: 1, basis: 'public-task' });
    });

    it('marked consentRequired, police receive it only once the person has consented', () => {
      const consentNeeded = agreementVersion('mash', [grant('police', ['referral'], ['crime-prevention'], 'public-task', true)]);
      const input = decisionInput({ event: stored(referralRaised), agency: police, agreements: [consentNeeded], purpose: 'crime-prevention' });
      expect(decide(input).permit).toBe(false);

      const consents = consentsFrom(consentGiven('c-7', { recipients: { agencies: [], kinds: ['police'] }, categories: ['referral'], purposes: ['crime-prevention'] }));
      expect(permitted(decide({ ...input, consents })).grounds.referral).toMatchObject({ basis: 'public-task', consentId: 'c-7' });
    });

    it('for another purpose grants nothing', () => {
      expect(decide(decisionInput({ event: stored(referralRaised), agency: police, agreements: [publicTask], purpose: 'service-planning' })).permit).toBe(false);
    });
  });

  describe('given a grant to every charity (kind:charity)', () => {
    const toCharities = agreementVersion('isp-housing', [grant('kind:charity', ['accommodation'], ['direct-support'])]);

    it('a charity receives the accommodation need, and an agency of another kind does not', () => {
      expect(needsCategories(decide(decisionInput({ event: stored(needsAssessed), agency: shelter, agreements: [toCharities] })))).toEqual(['accommodation']);
      expect(decide(decisionInput({ event: stored(needsAssessed), agency: sms, agreements: [toCharities] })).permit).toBe(false);
    });
  });

  describe('given an agreement with a review date of 9 March 2025', () => {
    const reviewed = agreementVersion('isp-housing', [grant('housing', ['accommodation'], ['direct-support'])], { reviewDate: '2025-03-09' });

    it('it still grants at the last moment of its review day', () => {
      const input = decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [reviewed], at: '2025-03-09T23:59:59.999Z' });
      expect(decide(input).permit).toBe(true);
    });

    it('once past its review date it grants nothing', () => {
      const input = decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [reviewed], at: '2025-03-10T00:00:00.000Z' });
      expect(decide(input).permit).toBe(false);
    });
  });

  describe('given a new version that removes the grant to housing', () => {
    const v1 = agreementVersion('isp-housing', [grant('housing', ['accommodation'], ['direct-support']), grant('sms', ['substance-use'], ['direct-support'])]);
    const v2 = agreementVersion('isp-housing', [grant('sms', ['substance-use'], ['direct-support'])], { version: 2, effectiveFrom: '2025-03-08T00:00:00.000Z' });

    it('housing receives the need before the new version takes effect, and not after', () => {
      const before = decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [v2, v1], at: '2025-03-07T12:00:00.000Z' });
      expect(needsCategories(decide(before))).toEqual(['accommodation']);
      expect(decide({ ...before, at: '2025-03-08T00:00:00.000Z' }).permit).toBe(false);
    });

    it('the remaining grant is renumbered by the new version', () => {
      const decision = decide(decisionInput({ event: stored(needsAssessed), agency: sms, agreements: [v1, v2] }));
      expect(describeGround(permitted(decision).primary)).toBe('permitted by agreement isp-housing v2, grant 1, basis public-task');
    });
  });

  describe('given an agreement the agency is not a party to', () => {
    it('grants it nothing, whatever its grants name; a party named by kind takes in the agencies of that kind', () => {
      const named = agreementVersion('isp-housing', [grant('housing', ['accommodation'], ['direct-support'])]);
      expect(decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [{ ...named, parties: ['police'] }] })).permit).toBe(false);
      const byKind = { ...named, parties: ['kind:housing'] };
      expect(needsCategories(decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [byKind] })))).toEqual(['accommodation']);
    });
  });

  describe('given a needs assessment across three categories', () => {
    it('an agency granted only accommodation receives only that entry of the needs', () => {
      const agreement = agreementVersion('isp-housing', [grant('housing', ['accommodation', 'support-plan'], ['direct-support'])]);
      const decision = permitted(decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [agreement] })));
      expect(decision.data).toEqual({ assessmentId: needsAssessed.data.assessmentId, needs: { accommodation: { level: 'high', summary: 'sleeping rough in the town centre' } } });
    });

    it('an agency granted the support plan but none of the needs receives nothing: the assessment id alone is not sent', () => {
      const agreement = agreementVersion('isp-plan', [grant('shelter', ['support-plan', 'finances'], ['direct-support'])]);
      const decision = decide(decisionInput({ event: stored(needsAssessed), agency: shelter, agreements: [agreement] }));
      if (decision.permit) throw new Error('expected a deny');
      expect(decision.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^accommodation: /), expect.stringMatching(/^substance-use: /), expect.stringMatching(/^mental-health: /)]));
      const withFinances = { ...needsAssessed, data: { ...needsAssessed.data, needs: { ...needsAssessed.data.needs, finances: { level: 'low' as const, summary: 'rent arrears' } } } };
      expect(permitted(decide(decisionInput({ event: stored(withFinances), agency: shelter, agreements: [agreement] }))).data).toEqual({
        assessmentId: needsAssessed.data.assessmentId,
        needs: { finances: { level: 'low', summary: 'rent arrears' } },
      });
    });

    it('the message names the grant that covers the most fields', () => {
      const agreement = agreementVersion('rapid-referral', [
        grant('sms', ['support-plan'], ['direct-support']),
        grant('sms', ['substance-use', 'mental-health'], ['direct-support'], 'vital-interests'),
      ]);
      const decision = permitted(decide(decisionInput({ event: stored(needsAssessed), agency: sms, agreements: [agreement] })));
      expect(decision.primary).toMatchObject({ grant: 2, basis: 'vital-interests' });
    });
  });

  describe('identity', () => {
    it('is stripped when not permitted: no hub id, name or date of birth', () => {
      const contactOnly = agreementVersion('isp-housing', [grant('housing', ['contact'], ['direct-support'])]);
      const decision = permitted(decide(decisionInput({ event: stored(personRegistered), agency: housing, agreements: [contactOnly] })));
      expect(decision.data).toEqual({ contact: { phone: '07700 900123' } });
    });

    it('when permitted, the hub id goes with every event, not only those carrying identity fields', () => {
      const withIdentity = agreementVersion('isp-housing', [grant('housing', ['identity', 'accommodation'], ['direct-support'])]);
      const registered = permitted(decide(decisionInput({ event: stored(personRegistered), agency: housing, agreements: [withIdentity] })));
      expect(registered.data).toMatchObject({ personId: PERSON_ID, name: 'Rhys Evans' });
      const assessed = permitted(decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [withIdentity] })));
      expect(assessed.data.personId).toBe(PERSON_ID);
    });
  });

  describe('given a referral addressed to the substance-misuse service', () => {
    const toEveryone = agreementVersion('rapid-referral', [grant('housing', ['referral'], ['referral']), grant('sms', ['referral'], ['referral'])]);
    const addressed = stored(referralRaised, { addressedTo: ['sms'] });

    it('the service receives it and no other agency does, whatever the agreements grant', () => {
      expect(decide(decisionInput({ event: addressed, agency: sms, agreements: [toEveryone], purpose: 'referral' })).permit).toBe(true);
      const other = decide(decisionInput({ event: addressed, agency: housing, agreements: [toEveryone], purpose: 'referral' }));
      expect(other).toMatchObject({ permit: false, reasons: ['the event is addressed to other agencies'] });
    });
  });

  describe('given an event housing recorded itself', () => {
    it('housing receives all of it without any agreement, as its own record', () => {
      const decision = permitted(decide(decisionInput({ event: stored(needsAssessed, { recordedBy: 'housing' }), agency: housing })));
      expect(decision.data).toEqual(needsAssessed.data);
      expect(describeGround(decision.primary)).toBe('recorded by this agency (its own record)');
    });

    it('fields no schema classifies still stay behind', () => {
      const withExtra = stored(needsAssessed, { recordedBy: 'housing' });
      withExtra.data = { ...withExtra.data, internalNote: 'not for sharing', constructor: 'not for sharing' };
      expect(Object.keys(permitted(decide(decisionInput({ event: withExtra, agency: housing }))).data).sort()).toEqual(['assessmentId', 'needs', 'personId']);
    });
  });

  describe('explanations for a DPO', () => {
    const agreements = [
      agreementVersion('rapid-referral', [grant('police', ['offending'], ['direct-support'])], { version: 2 }),
      agreementVersion('rapid-referral', [grant('police', ['offending'], ['direct-support']), grant('housing', ['accommodation'], ['direct-support'])], {
        version: 3,
        effectiveFrom: '2025-03-01T00:00:00.000Z',
      }),
    ];

    it('describeGround names the agreement, version, grant and basis', () => {
      const decision = permitted(decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements })));
      expect(describeGround(decision.grounds.accommodation!)).toBe('permitted by agreement rapid-referral v3, grant 2, basis public-task');
    });

    it('explainCategories says, for each category, whether the agency could see it then and why', () => {
      const explained = explainCategories({ agency: housing, agreements, consents: new Map(), at: '2025-03-10T10:00:00.000Z', purpose: 'direct-support' });
      expect(explained.find((e) => e.category === 'accommodation')).toMatchObject({
        permitted: true,
        explanation: 'permitted by agreement rapid-referral v3, grant 2, basis public-task',
      });
      expect(explained.find((e) => e.category === 'mental-health')).toEqual({
        category: 'mental-health',
        permitted: false,
        explanation: 'no agreement in force grants this category for this purpose',
      });
      expect(explained.filter((e) => e.permitted).map((e) => e.category)).toEqual(['accommodation']);
    });

    it('a consent-based ground names the consent as well', () => {
      const consents = consentsFrom(consentGiven('c-1', supportScope));
      const decision = permitted(decide(decisionInput({ event: stored(needsAssessed), agency: housing, agreements: [onConsent], consents })));
      expect(describeGround(decision.primary)).toBe('permitted by agreement rapid-referral v1, grant 1, basis consent with consent c-1');
    });
  });

  it('never discloses an event that is not about a person', () => {
    const event = { ...stored(needsAssessed), type: 'AgreementVersionPublished.v1' };
    expect(decide(decisionInput({ event, agency: housing }))).toMatchObject({ permit: false });
  });
});
