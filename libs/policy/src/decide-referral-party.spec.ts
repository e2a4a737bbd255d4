import { ReferralDeclinedV1, ReferralEscalatedV1 } from '@onestop/domain';
import { agreementVersion, decisionInput, grant, housing, needsAssessed, PERSON_ID, referralRaised, sms, stored } from '../testing';
import { decide } from './decide';
import { describeGround } from './explain';
import { Decision, Permit } from './policy.types';

const permitted = (decision: Decision): Permit => {
  if (!decision.permit) throw new Error(`expected a permit, got a deny: ${decision.reasons.join('; ')}`);
  return decision;
};

/** The referrer's ground: the agency that raised a referral follows its progress as a party to it. */
describe('decide: given the progress of a referral housing raised to the substance-misuse service', () => {
  const ref = { referralId: referralRaised.data.referralId, personId: PERSON_ID, fromAgency: 'housing', toAgency: 'sms' };
  const escalated: ReferralEscalatedV1 = {
    type: 'ReferralEscalated.v1',
    data: { ...ref, at: '2025-03-10T10:15:00.000Z', level: 1, missed: 'acknowledge', deadline: '2025-03-10T10:15:00.000Z' },
  };
  const declined: ReferralDeclinedV1 = { type: 'ReferralDeclined.v1', data: { ...ref, at: '2025-03-10T10:05:00.000Z', reason: 'no capacity' } };
  const byHub = stored(escalated, { recordedBy: 'hub', addressedTo: ['housing', 'sms'] });
  const toSms = agreementVersion('rapid-referral', [grant('sms', ['referral'], ['referral'])]);

  it('housing, the referrer, is told of it with no agreement at all, as a party to the referral', () => {
    const decision = permitted(decide(decisionInput({ event: byHub, agency: housing, purpose: 'referral' })));
    expect(decision.data).toEqual({ referralId: ref.referralId, fromAgency: 'housing', toAgency: 'sms', at: escalated.data.at, level: 1, missed: 'acknowledge', deadline: escalated.data.deadline });
    expect(decision.primary).toEqual({ kind: 'party', role: 'referrer' });
    expect(describeGround(decision.primary)).toBe('this agency raised the referral (a party to it, told of its progress)');
  });

  it('the referrer also learns a decline and its reason, recorded by the receiver', () => {
    const decision = permitted(decide(decisionInput({ event: stored(declined, { recordedBy: 'sms', addressedTo: ['housing', 'sms'] }), agency: housing, purpose: 'referral' })));
    expect(decision.data.reason).toBe('no capacity');
  });

  it('but not the person\'s hub id, which still needs an identity grant', () => {
    expect(permitted(decide(decisionInput({ event: byHub, agency: housing, purpose: 'referral' }))).data.personId).toBeUndefined();
  });

  it('the receiver is told only under its grant: without one, nothing', () => {
    expect(decide(decisionInput({ event: byHub, agency: sms, purpose: 'referral' })).permit).toBe(false);
    expect(permitted(decide(decisionInput({ event: byHub, agency: sms, agreements: [toSms], purpose: 'referral' }))).primary).toMatchObject({ kind: 'grant', agreementId: 'rapid-referral' });
  });

  it('holds only for the referral purpose, for events addressed to the referrer, and for the agency named as referrer', () => {
    expect(decide(decisionInput({ event: byHub, agency: housing, purpose: 'direct-support' })).permit).toBe(false);
    expect(decide(decisionInput({ event: stored(escalated, { recordedBy: 'hub' }), agency: housing, purpose: 'referral' })).permit).toBe(false);
    const otherReferrer = stored({ ...escalated, data: { ...escalated.data, fromAgency: 'police' } }, { recordedBy: 'hub', addressedTo: ['housing', 'sms'] });
    expect(decide(decisionInput({ event: otherReferrer, agency: housing, purpose: 'referral' })).permit).toBe(false);
  });

  it('never reaches beyond the referral category', () => {
    const smuggled = stored(needsAssessed, { recordedBy: 'hub', addressedTo: ['housing'] });
    smuggled.data = { ...smuggled.data, fromAgency: 'housing' };
    expect(decide(decisionInput({ event: smuggled, agency: housing, purpose: 'referral' })).permit).toBe(false);
  });
});
