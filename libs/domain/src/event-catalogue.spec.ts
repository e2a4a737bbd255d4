import { Decider } from './decider';
import { cloudEventType, isSubjectEventType, SUBJECT_EVENT_SCHEMAS, SubjectEvent } from './event-catalogue';
import { byNeedCategory, categoriesOfField, field, plain, subject } from './event-schema';
import { personDecider } from './person/person.decider';
import { ReferralCommand } from './referral/referral.commands';
import { referralDecider } from './referral/referral.decider';

const personId = '0b7c6f8e-2f7a-4c51-9d1e-6f3b1c2a9e10';
const ref = { referralId: 'r-1', personId, fromAgency: 'outreach', toAgency: 'sms' };
const details = { ...ref, service: 'detox', urgency: 'immediate' as const, reason: 'ready today' };
const need = { level: 'high' as const, summary: 'sleeping rough', details: 'since March' };
const at = '2030-03-04T09:00:00.000Z';

/** One example of every subject event with every optional field present; the compiler demands each type. */
const EXAMPLES: { [T in SubjectEvent['type']]: Required<Extract<SubjectEvent, { type: T }>['data']> } = {
  'PersonRegistered.v1': {
    personId,
    name: 'Alex',
    dateOfBirth: '1990-04-02',
    identifiers: { nhsNumber: '9434765919' },
    contact: { phone: '07700 900123' },
  },
  'PersonDetailsCorrected.v1': { personId, name: 'Alex', dateOfBirth: '1990-04-02', identifiers: {}, contact: {} },
  'ConsentGiven.v1': {
    personId,
    consentId: 'c-1',
    recipients: { agencies: ['sms'], kinds: [] },
    categories: ['substance-use'],
    purposes: ['referral'],
    method: 'written',
    evidenceRef: 'form-22',
    validFrom: at,
    validUntil: '2030-08-01T00:00:00.000Z',
  },
  'ConsentWithdrawn.v1': { personId, consentId: 'c-1', scope: { purposes: ['referral'] }, withdrawnAt: at },
  'ConsentExpired.v1': { personId, consentId: 'c-1', expiredAt: at },
  'NeedsAssessed.v1': { personId, assessmentId: 'a-1', needs: { accommodation: need } },
  'CheckInRecorded.v1': { personId, checkInId: 'k-1', changes: { finances: need }, note: 'claim started' },
  'PersonErased.v1': { personId, erasedAt: at },
  'BreakGlassOpened.v1': { personId, grantId: 'g-1', reason: 'found unconscious, no consent possible', until: at },
  'BreakGlassReviewed.v1': { personId, grantId: 'g-1', outcome: 'justified', note: 'ambulance called' },
  'ReferralPrepared.v1': details,
  'ReferralRaised.v1': { ...details, raisedAt: at, acknowledgeBy: at, decideBy: at, startBy: at },
  'ReferralAcknowledged.v1': { ...ref, at },
  'ReferralAccepted.v1': { ...ref, at },
  'ReferralDeclined.v1': { ...ref, at, reason: 'no capacity' },
  'ReferralStarted.v1': { ...ref, at },
  'ReferralCompleted.v1': { ...ref, at, outcome: 'completed detox' },
  'ReferralWithdrawn.v1': { ...ref, at, reason: 'moved away' },
  'ReferralEscalated.v1': { ...ref, at, level: 1, missed: 'acknowledge', deadline: at },
};
const TYPES = Object.keys(EXAMPLES) as SubjectEvent['type'][];

/** Runs commands through a decider, each against the state the earlier ones left. */
function record<C, E, S, Ctx>(decider: Decider<C, E, S, Ctx>, commands: C[], contextFor: (command: C) => Ctx): E[] {
  const events: E[] = [];
  for (const command of commands) {
    events.push(...decider.decide(command, events.reduce(decider.evolve, decider.initialState()), contextFor(command)));
  }
  return events;
}

describe('event catalogue', () => {
  it('has a schema for every subject event type and for nothing else', () => {
    expect(Object.keys(SUBJECT_EVENT_SCHEMAS).sort()).toEqual([...TYPES].sort());
    for (const type of TYPES) expect(isSubjectEventType(type)).toBe(true);
    expect(isSubjectEventType('AgencyRegistered.v1')).toBe(false);
    expect(isSubjectEventType('AgreementVersionPublished.v1')).toBe(false);
    expect(isSubjectEventType('toString')).toBe(false);
  });

  it.each(TYPES)('classifies every field of %s, with the person as its only subject field', (type) => {
    const schema = SUBJECT_EVENT_SCHEMAS[type];
    expect(Object.keys(schema).sort()).toEqual(Object.keys(EXAMPLES[type]).sort());
    expect(Object.entries(schema).filter(([, rule]) => rule.kind === 'subject')).toEqual([['personId', subject]]);
  });

  it('classifies every field the person and referral deciders record', () => {
    const person = record(
      personDecider,
      [
        { type: 'RegisterPerson', personId, name: 'Alex', dateOfBirth: '1990-04-02', identifiers: {}, contact: {} },
        { type: 'CorrectPersonDetails', name: 'Alexandra', dateOfBirth: '1990-04-03', identifiers: {}, contact: {} },
        { type: 'GiveConsent', ...EXAMPLES['ConsentGiven.v1'], validFrom: '2030-01-01T00:00:00.000Z', validUntil: at },
        { type: 'WithdrawConsent', consentId: 'c-1', scope: { recipients: { agencies: ['sms'], kinds: [] } } },
        { type: 'GiveConsent', ...EXAMPLES['ConsentGiven.v1'], consentId: 'c-2', validFrom: '2030-01-01T00:00:00.000Z', validUntil: at },
        { type: 'ExpireConsent', consentId: 'c-2' },
        { type: 'AssessNeeds', assessmentId: 'a-1', needs: { accommodation: need } },
        { type: 'RecordCheckIn', checkInId: 'k-1', changes: { finances: need }, note: 'claim started' },
        { type: 'OpenBreakGlass', grantId: 'g-1', reason: 'found unconscious', minutes: 60 },
        { type: 'ReviewBreakGlass', grantId: 'g-1', outcome: 'justified', note: 'ambulance called' },
        { type: 'ErasePerson' },
      ],
      () => ({ now: at, knownAgencies: new Set(['sms']) }),
    );
    const reply = (type: 'Acknowledge' | 'Accept' | 'Start' | 'Complete', byAgency = 'sms') =>
      ({ type, byAgency, reason: 'a reason', outcome: 'an outcome' }) as const;
    const referral = record(
      referralDecider,
      [
        { type: 'PrepareReferral', ...details },
        { type: 'ReleaseReferral' },
        { type: 'EscalateReferral' },
        reply('Acknowledge'),
        reply('Accept'),
        reply('Start'),
        reply('Complete'),
      ],
      (command: ReferralCommand) => ({
        now: command.type === 'EscalateReferral' ? '2030-03-04T09:30:00.000Z' : at,
        knownAgencies: new Set(['sms']),
        calendar: { bankHolidays: new Set<string>() },
      }),
    );
    const events: SubjectEvent[] = [...person, ...referral];
    expect(events).toHaveLength(18);
    for (const event of events) {
      const unclassified = Object.keys(event.data).filter((name) => !(name in SUBJECT_EVENT_SCHEMAS[event.type]));
      expect({ type: event.type, unclassified }).toEqual({ type: event.type, unclassified: [] });
    }
  });

  describe('cloudEventType', () => {
    it('names the CloudEvents type from the event type, words split and lower-cased', () => {
      expect(cloudEventType('ConsentGiven.v1')).toBe('onestop.consent.given.v1');
      expect(cloudEventType('PersonDetailsCorrected.v1')).toBe('onestop.person.details.corrected.v1');
      expect(cloudEventType('ReferralEscalated.v2')).toBe('onestop.referral.escalated.v2');
    });

    it('gives every subject event a distinct type', () => {
      expect(new Set(TYPES.map(cloudEventType)).size).toBe(TYPES.length);
    });
  });

  describe('categoriesOfField', () => {
    it('returns the category of a plain or sensitive field', () => {
      expect(categoriesOfField(field('mental-health'), 'anything')).toEqual(['mental-health']);
      expect(categoriesOfField(plain('referral'), undefined)).toEqual(['referral']);
    });

    it('returns, for a field keyed by category, only the keys that are need categories', () => {
      const value = { 'substance-use': need, identity: need, offending: need, 'made-up': need };
      expect(categoriesOfField(byNeedCategory, value)).toEqual(['substance-use', 'offending']);
    });

    it('returns nothing for the subject or a keyed field that is not an object', () => {
      expect(categoriesOfField(subject, personId)).toEqual([]);
      expect(categoriesOfField(byNeedCategory, 'accommodation')).toEqual([]);
      expect(categoriesOfField(byNeedCategory, null)).toEqual([]);
    });
  });
});
