import { DeciderSpecification } from '@onestop/domain/testing';
import { GiveConsent, PersonCommand } from './person.commands';
import { PersonContext, personDecider } from './person.decider';
import { ConsentGivenV1, ConsentWithdrawnV1, PersonEvent, PersonRegisteredV1 } from './person.events';

const personId = '0b7c6f8e-2f7a-4c51-9d1e-6f3b1c2a9e10';
const NOW = '2030-03-01T10:00:00.000Z';
const context = (now = NOW): PersonContext => ({ now, knownAgencies: new Set(['police', 'housing', 'sms']) });

const registered: PersonRegisteredV1 = {
  type: 'PersonRegistered.v1',
  data: { personId, name: 'Alex Example', dateOfBirth: '1990-04-02', identifiers: { nhsNumber: '9434765919' }, contact: {} },
};

const giveConsent: GiveConsent = {
  type: 'GiveConsent',
  consentId: 'c-1',
  recipients: { agencies: ['housing', 'sms'], kinds: ['health'] },
  categories: ['accommodation', 'substance-use'],
  purposes: ['direct-support', 'referral'],
  method: 'written',
  evidenceRef: 'form-22',
  validFrom: '2030-02-01T00:00:00.000Z',
  validUntil: '2030-08-01T00:00:00.000Z',
};
const { type: _command, ...consentData } = giveConsent;
const given: ConsentGivenV1 = { type: 'ConsentGiven.v1', data: { personId, ...consentData } };
const withdrawn = (at = NOW, scope?: ConsentWithdrawnV1['data']['scope']): ConsentWithdrawnV1 => ({
  type: 'ConsentWithdrawn.v1',
  data: { personId, consentId: 'c-1', withdrawnAt: at, ...(scope ? { scope } : {}) },
});
const expired: PersonEvent = { type: 'ConsentExpired.v1', data: { personId, consentId: 'c-1', expiredAt: giveConsent.validUntil! } };

const spec = DeciderSpecification.for(personDecider);

describe('person decider', () => {
  describe('registration and details', () => {
    it('registers a person once', () => {
      const register: PersonCommand = { type: 'RegisterPerson', ...registered.data };
      spec.given([]).when(register, context()).then([registered]);
      spec.given([registered]).when(register, context()).thenThrows('person.already-registered');
    });

    it.each<PersonCommand>([
      { type: 'CorrectPersonDetails', name: 'Alex' },
      giveConsent,
      { type: 'WithdrawConsent', consentId: 'c-1' },
      { type: 'ExpireConsent', consentId: 'c-1' },
      { type: 'AssessNeeds', assessmentId: 'a-1', needs: { accommodation: { level: 'high', summary: 'sleeping rough' } } },
      { type: 'RecordCheckIn', checkInId: 'k-1', changes: { finances: { level: 'low', summary: 'claim started' } } },
    ])('refuses $type for a person not registered', (command) => {
      spec.given([]).when(command, context()).thenThrows('person.not-registered');
    });

    it('records only the corrected fields', () => {
      spec
        .given([registered])
        .when({ type: 'CorrectPersonDetails', name: 'Alexandra Example', contact: { phone: '07700 900123' } }, context())
        .then([{ type: 'PersonDetailsCorrected.v1', data: { personId, name: 'Alexandra Example', contact: { phone: '07700 900123' } } }]);
    });

    it('refuses a correction that corrects nothing', () => {
      spec
        .given([registered])
        .when({ type: 'CorrectPersonDetails' }, context())
        .thenFailsValidation({ body: 'name at least one field to correct' });
    });
  });

  describe('giving consent', () => {
    it('records the consent with its scope, evidence and validity', () => {
      spec.given([registered]).when(giveConsent, context()).then([given]);
    });

    it('refuses a consent that names an unknown agency or kind, naming each', () => {
      const recipients = { agencies: ['housing', 'shelter'], kinds: ['dragons'] };
      spec
        .given([registered])
        .when({ ...giveConsent, recipients }, context())
        .thenFailsValidation({
          'recipients.agencies[1]': 'unknown agency shelter',
          'recipients.kinds[0]': 'unknown agency kind dragons',
        });
    });

    it('refuses a consent with an empty recipients, categories or purposes', () => {
      spec
        .given([registered])
        .when({ ...giveConsent, recipients: { agencies: [], kinds: [] }, categories: [], purposes: [] }, context())
        .thenFailsValidation({ recipients: 'name at least one', categories: 'name at least one', purposes: 'name at least one' });
    });

    it('refuses a consent that ends before it starts', () => {
      spec
        .given([registered])
        .when({ ...giveConsent, validUntil: giveConsent.validFrom }, context())
        .thenFailsValidation({ validUntil: 'must be after validFrom' });
    });

    it('refuses to reuse a consent id, even of a withdrawn consent', () => {
      spec.given([registered, given]).when(giveConsent, context()).thenThrows('consent.duplicate');
      spec.given([registered, given, withdrawn()]).when(giveConsent, context()).thenThrows('consent.duplicate');
    });
  });

  describe('withdrawing consent', () => {
    it('withdraws the whole consent at the hub clock', () => {
      spec.given([registered, given]).when({ type: 'WithdrawConsent', consentId: 'c-1' }, context()).then([withdrawn()]);
    });

    it('withdraws part of a consent', () => {
      const scope = { recipients: { agencies: ['sms'], kinds: [] }, categories: ['substance-use' as const] };
      spec.given([registered, given]).when({ type: 'WithdrawConsent', consentId: 'c-1', scope }, context()).then([withdrawn(NOW, scope)]);
    });

    it('refuses to withdraw a consent twice', () => {
      spec
        .given([registered, given, withdrawn()])
        .when({ type: 'WithdrawConsent', consentId: 'c-1' }, context())
        .thenThrows('consent.already-withdrawn', { details: { consentId: 'c-1' } });
    });

    it('allows a further withdrawal after a partial one, but not after one that emptied the consent', () => {
      const purposes = withdrawn(NOW, { purposes: ['referral'] });
      spec.given([registered, given, purposes]).when({ type: 'WithdrawConsent', consentId: 'c-1' }, context()).then([withdrawn()]);
      const emptied = withdrawn(NOW, { purposes: ['referral', 'direct-support'] });
      spec
        .given([registered, given, emptied])
        .when({ type: 'WithdrawConsent', consentId: 'c-1' }, context())
        .thenThrows('consent.already-withdrawn');
    });

    it('refuses a partial withdrawal of what the consent does not cover, rather than change nothing', () => {
      const scope = { recipients: { agencies: ['police'], kinds: ['health'] }, purposes: ['safeguarding' as const] };
      spec
        .given([registered, given])
        .when({ type: 'WithdrawConsent', consentId: 'c-1', scope }, context())
        .thenFailsValidation({
          'scope.recipients.agencies[0]': 'the consent does not cover police',
          'scope.purposes[0]': 'the consent does not cover safeguarding',
        });
    });

    it('refuses a partial withdrawal that names nothing', () => {
      spec
        .given([registered, given])
        .when({ type: 'WithdrawConsent', consentId: 'c-1', scope: { categories: [] } }, context())
        .thenFailsValidation({ scope: 'name at least one recipient, category or purpose to withdraw' });
    });

    it('refuses to withdraw an unknown or expired consent', () => {
      const withdraw = (consentId: string): PersonCommand => ({ type: 'WithdrawConsent', consentId });
      spec.given([registered, given]).when(withdraw('c-9'), context()).thenThrows('consent.not-found');
      spec.given([registered, given, expired]).when(withdraw('c-1'), context()).thenThrows('consent.already-expired');
    });
  });

  describe('expiring consent', () => {
    const expire: PersonCommand = { type: 'ExpireConsent', consentId: 'c-1' };

    it('expires a consent at its end date, from that instant on', () => {
      spec.given([registered, given]).when(expire, context('2030-08-01T00:00:00.000Z')).then([expired]);
      spec.given([registered, given]).when(expire, context('2030-09-15T00:00:00.000Z')).then([expired]);
    });

    it('refuses to expire a consent before its end date, or one without an end date', () => {
      spec.given([registered, given]).when(expire, context('2030-07-31T23:59:59.999Z')).thenThrows('consent.not-due');
      const openEnded: ConsentGivenV1 = { ...given, data: { ...given.data, validUntil: undefined } };
      spec.given([registered, openEnded]).when(expire, context('2099-01-01T00:00:00.000Z')).thenThrows('consent.not-due');
    });

    it('refuses to expire a consent that already ended', () => {
      const later = context('2030-09-01T00:00:00.000Z');
      spec.given([registered, given, expired]).when(expire, later).thenThrows('consent.already-expired');
      spec.given([registered, given, withdrawn()]).when(expire, later).thenThrows('consent.already-withdrawn');
      spec.given([registered]).when(expire, later).thenThrows('consent.not-found');
    });
  });

  describe('needs profile', () => {
    const high = { level: 'high' as const, summary: 'sleeping rough' };

    it('records an assessment keyed by need category', () => {
      spec
        .given([registered])
        .when({ type: 'AssessNeeds', assessmentId: 'a-1', needs: { accommodation: high } }, context())
        .then([{ type: 'NeedsAssessed.v1', data: { personId, assessmentId: 'a-1', needs: { accommodation: high } } }]);
    });

    it('records a check-in, with its note only when given', () => {
      const command = { type: 'RecordCheckIn' as const, checkInId: 'k-1', changes: { accommodation: high } };
      const data = { personId, checkInId: 'k-1', changes: { accommodation: high } };
      spec.given([registered]).when(command, context()).then([{ type: 'CheckInRecorded.v1', data }]);
      spec
        .given([registered])
        .when({ ...command, note: 'moved to hostel' }, context())
        .then([{ type: 'CheckInRecorded.v1', data: { ...data, note: 'moved to hostel' } }]);
    });

    it('refuses an empty assessment or check-in', () => {
      spec
        .given([registered])
        .when({ type: 'AssessNeeds', assessmentId: 'a-1', needs: {} }, context())
        .thenFailsValidation({ needs: 'name at least one category' });
      spec
        .given([registered])
        .when({ type: 'RecordCheckIn', checkInId: 'k-1', changes: {} }, context())
        .thenFailsValidation({ changes: 'name at least one category' });
    });

    it('refuses entries keyed by a category that is not a need', () => {
      spec
        .given([registered])
        .when({ type: 'AssessNeeds', assessmentId: 'a-1', needs: { accommodation: high, identity: high } }, context())
        .thenFailsValidation({ 'needs.identity': 'not a need category' });
    });
  });

  describe('erasure', () => {
    const erased: PersonEvent = { type: 'PersonErased.v1', data: { personId, erasedAt: NOW } };

    it('records the erasure at the hub clock, carrying nothing but the subject and the moment', () => {
      spec.given([registered, given]).when({ type: 'ErasePerson' }, context()).then([erased]);
    });

    it.each<PersonCommand>([
      { type: 'ErasePerson' },
      { type: 'CorrectPersonDetails', name: 'Alex' },
      giveConsent,
      { type: 'WithdrawConsent', consentId: 'c-1' },
      { type: 'OpenBreakGlass', grantId: 'g-1', reason: 'collapsed in the street', minutes: 30 },
    ])('refuses $type once the person is erased', (command) => {
      spec.given([registered, given, erased]).when(command, context()).thenThrows('person.erased');
    });
  });

  describe('break-glass', () => {
    const open: PersonCommand = { type: 'OpenBreakGlass', grantId: 'g-1', reason: 'collapsed in the street', minutes: 240 };
    const opened: PersonEvent = { type: 'BreakGlassOpened.v1', data: { personId, grantId: 'g-1', reason: 'collapsed in the street', until: '2030-03-01T14:00:00.000Z' } };

    it('opens a grant for at most four hours from the hub clock', () => {
      spec.given([registered]).when(open, context()).then([opened]);
    });

    it('refuses more than four hours, no time at all, or no written reason', () => {
      spec.given([registered]).when({ ...open, minutes: 241 }, context()).thenFailsValidation({ minutes: 'must be a whole number of minutes from 1 to 240' });
      spec.given([registered]).when({ ...open, minutes: 0, reason: '  ' }, context()).thenFailsValidation({
        minutes: 'must be a whole number of minutes from 1 to 240',
        reason: 'give the reason in writing',
      });
    });

    it('records one review per grant, and none for a grant it does not know', () => {
      const review: PersonCommand = { type: 'ReviewBreakGlass', grantId: 'g-1', outcome: 'not-justified', note: 'consent was possible' };
      const reviewed: PersonEvent = { type: 'BreakGlassReviewed.v1', data: { personId, grantId: 'g-1', outcome: 'not-justified', note: 'consent was possible' } };
      spec.given([registered, opened]).when(review, context()).then([reviewed]);
      spec.given([registered, opened, reviewed]).when(review, context()).thenThrows('break-glass.already-reviewed');
      spec.given([registered]).when(review, context()).thenThrows('break-glass.not-found');
    });
  });
});
