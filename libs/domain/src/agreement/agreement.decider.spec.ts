import { DeciderSpecification } from '@onestop/domain/testing';
import { agreementDecider, AgreementContext, PublishAgreementVersion } from './agreement.decider';
import { AgreementVersion, AgreementVersionPublishedV1, Grant } from './agreement.events';

const context: AgreementContext = {
  knownAgencies: new Set(['police', 'housing', 'sms']),
  agencyKinds: new Map([['police', 'police'], ['housing', 'council'], ['sms', 'substance-misuse']]),
};

const housingGrant: Grant = {
  recipient: 'housing',
  categories: ['accommodation', 'identity'],
  purposes: ['direct-support', 'referral'],
  basis: 'consent',
  consentRequired: true,
  retentionDays: 365,
};

const draft: PublishAgreementVersion['agreement'] = {
  agreementId: 'town-centre-isp',
  title: 'Town centre one-stop shop ISP',
  parties: ['police', 'housing', 'kind:health', 'kind:substance-misuse'],
  grants: [housingGrant, { ...housingGrant, recipient: 'kind:substance-misuse', categories: ['substance-use'] }],
  effectiveFrom: '2030-01-01T00:00:00.000Z',
  reviewDate: '2031-01-01',
};
const publish = (changes: Partial<PublishAgreementVersion['agreement']> = {}): PublishAgreementVersion => ({
  type: 'PublishAgreementVersion',
  agreement: { ...draft, ...changes },
});
const published = (version: number, changes: Partial<AgreementVersion> = {}): AgreementVersionPublishedV1 => ({
  type: 'AgreementVersionPublished.v1',
  data: { ...draft, ...changes, version },
});

const spec = DeciderSpecification.for(agreementDecider);

describe('agreement decider', () => {
  it('publishes the first version as version 1, naming agencies by id or by kind', () => {
    spec.given([]).when(publish(), context).then([published(1)]);
  });

  it('numbers each new version after the latest', () => {
    const v3 = { effectiveFrom: '2030-09-01T00:00:00.000Z', title: 'revised' };
    spec
      .given([published(1), published(2, { effectiveFrom: '2030-06-01T00:00:00.000Z' })])
      .when(publish(v3), context)
      .then([published(3, v3)]);
  });

  it('refuses a party that is not a registered agency', () => {
    spec
      .given([])
      .when(publish({ parties: ['police', 'probation', 'housing', 'kind:substance-misuse'] }), context)
      .thenFailsValidation({ 'parties[1]': 'unknown agency probation' });
  });

  it('refuses a grant to an unregistered agency or an unknown kind, naming each', () => {
    const grants = [{ ...housingGrant, recipient: 'shelter' }, housingGrant, { ...housingGrant, recipient: 'kind:wizards' }];
    spec
      .given([])
      .when(publish({ grants }), context)
      .thenFailsValidation({
        'grants[0].recipient': 'unknown agency shelter',
        'grants[2].recipient': 'unknown agency kind:wizards',
      });
  });

  it('refuses a grant to a registered agency or kind that is not a party; a kind party covers its agencies, and a party agency its kind', () => {
    const grants = [{ ...housingGrant, recipient: 'sms' }, { ...housingGrant, recipient: 'kind:health' }, { ...housingGrant, recipient: 'kind:charity' }, { ...housingGrant, recipient: 'kind:police' }];
    spec
      .given([])
      .when(publish({ parties: ['police', 'housing', 'kind:health'], grants }), context)
      .thenFailsValidation({
        'grants[0].recipient': 'sms is not a party to the agreement',
        'grants[2].recipient': 'kind:charity is not a party to the agreement',
      });
    const byKind = { parties: ['kind:substance-misuse', 'housing'], grants: [{ ...housingGrant, recipient: 'sms' }] };
    spec.given([]).when(publish(byKind), context).then([published(1, byKind)]);
  });

  it.each([
    ['before', '2029-12-31'],
    ['on', '2030-01-01T00:00:00.000Z'],
  ])('refuses a review date %s the effective date', (_when, reviewDate) => {
    spec
      .given([])
      .when(publish({ reviewDate }), context)
      .thenFailsValidation({ reviewDate: 'must be after effectiveFrom' });
  });

  it('refuses a version taking effect before the previous one', () => {
    spec
      .given([published(1, { effectiveFrom: '2030-06-01T00:00:00.000Z' })])
      .when(publish({ effectiveFrom: '2030-05-31T23:59:59.000Z' }), context)
      .thenThrows('agreement.effective-before-previous', { details: { previousEffectiveFrom: '2030-06-01T00:00:00.000Z' } });
  });
});
