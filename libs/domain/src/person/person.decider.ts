import { Decider } from '../decider';
import { DomainError, ValidationError } from '../hub-error';
import { AGENCY_KINDS, NEED_CATEGORIES } from '../vocabulary';
import { BreakGlassGrants, decideBreakGlass, evolveBreakGlass } from './break-glass';
import { ConsentLedger, ConsentRecord, evolveConsents } from './consent-ledger';
import { GiveConsent, PersonCommand, WithdrawConsent } from './person.commands';
import { ConsentScope, PersonEvent } from './person.events';

export interface PersonState {
  /** Set by registration; undefined while the stream is empty. */
  personId?: string;
  consents: ConsentLedger;
  /** When the person was erased; every later command is refused. */
  erasedAt?: string;
  breakGlass: BreakGlassGrants;
}

export interface PersonContext {
  /** The hub's clock at the command (ISO 8601). */
  now: string;
  /** Ids of the agencies registered now; consent may only name these. */
  knownAgencies: ReadonlySet<string>;
}

const notRegistered = () => new DomainError('person.not-registered', 'person is not registered');

function checkConsentScope(command: GiveConsent, context: PersonContext): void {
  const bad: Record<string, string> = {};
  command.recipients.agencies.forEach((a, i) => {
    if (!context.knownAgencies.has(a)) bad[`recipients.agencies[${i}]`] = `unknown agency ${a}`;
  });
  command.recipients.kinds.forEach((k, i) => {
    if (!(AGENCY_KINDS as readonly string[]).includes(k)) bad[`recipients.kinds[${i}]`] = `unknown agency kind ${k}`;
  });
  if (command.recipients.agencies.length + command.recipients.kinds.length === 0) bad.recipients = 'name at least one';
  if (command.categories.length === 0) bad.categories = 'name at least one';
  if (command.purposes.length === 0) bad.purposes = 'name at least one';
  if (command.validUntil !== undefined && Date.parse(command.validUntil) <= Date.parse(command.validFrom)) {
    bad.validUntil = 'must be after validFrom';
  }
  if (Object.keys(bad).length > 0) throw new ValidationError(bad);
}

function activeConsent(state: PersonState, command: WithdrawConsent | { consentId: string }) {
  const consent = state.consents.get(command.consentId);
  if (!consent) throw new DomainError('consent.not-found', 'no such consent for this person', { consentId: command.consentId });
  if (consent.status !== 'active') {
    throw new DomainError(`consent.already-${consent.status}`, `consent is already ${consent.status}`, {
      consentId: command.consentId,
    });
  }
  return consent;
}

/**
 * A partial withdrawal must name something, and only what the consent still covers: withdrawing
 * an agency the consent reaches only through its kind would otherwise change nothing, silently.
 */
function checkWithdrawalScope(removed: Partial<ConsentScope>, consent: ConsentRecord): void {
  const bad: Record<string, string> = {};
  let named = 0;
  const check = (field: string, listed: readonly string[] | undefined, held: readonly string[]) =>
    listed?.forEach((x, i) => {
      named += 1;
      if (!held.includes(x)) bad[`scope.${field}[${i}]`] = `the consent does not cover ${x}`;
    });
  check('recipients.agencies', removed.recipients?.agencies, consent.scope.recipients.agencies);
  check('recipients.kinds', removed.recipients?.kinds, consent.scope.recipients.kinds);
  check('categories', removed.categories, consent.scope.categories);
  check('purposes', removed.purposes, consent.scope.purposes);
  if (named === 0) bad.scope = 'name at least one recipient, category or purpose to withdraw';
  if (Object.keys(bad).length > 0) throw new ValidationError(bad);
}

function checkNeeds(field: string, needs: object): void {
  const keys = Object.keys(needs);
  if (keys.length === 0) throw new ValidationError({ [field]: 'name at least one category' });
  const bad = keys.filter((k) => !(NEED_CATEGORIES as readonly string[]).includes(k));
  if (bad.length > 0) throw new ValidationError(Object.fromEntries(bad.map((k) => [`${field}.${k}`, 'not a need category'])));
}

/**
 * The person aggregate (stream `person-<uuid>`): registration, details, consent, needs profile,
 * break-glass grants and erasure. Once erased, every command is refused (`person.erased`).
 */
export const personDecider: Decider<PersonCommand, PersonEvent, PersonState, PersonContext> = {
  initialState: () => ({ consents: new Map(), breakGlass: new Map() }),
  evolve: (state, event) => ({
    personId: state.personId ?? (event.type === 'PersonRegistered.v1' ? event.data.personId : undefined),
    consents: evolveConsents(state.consents, event),
    erasedAt: event.type === 'PersonErased.v1' ? event.data.erasedAt : state.erasedAt,
    breakGlass: evolveBreakGlass(state.breakGlass, event),
  }),
  decide(command, state, context): PersonEvent[] {
    if (command.type === 'RegisterPerson') {
      if (state.personId) throw new DomainError('person.already-registered', 'person is already registered');
      const { personId, name, dateOfBirth, identifiers, contact } = command;
      return [{ type: 'PersonRegistered.v1', data: { personId, name, dateOfBirth, identifiers, contact } }];
    }
    const personId = state.personId;
    if (!personId) throw notRegistered();
    if (state.erasedAt) throw new DomainError('person.erased', 'the person was erased');
    switch (command.type) {
      case 'CorrectPersonDetails': {
        const { name, dateOfBirth, identifiers, contact } = command;
        const changes = Object.fromEntries(
          Object.entries({ name, dateOfBirth, identifiers, contact }).filter(([, v]) => v !== undefined),
        );
        if (Object.keys(changes).length === 0) throw new ValidationError({ body: 'name at least one field to correct' });
        return [{ type: 'PersonDetailsCorrected.v1', data: { personId, ...changes } }];
      }
      case 'GiveConsent': {
        if (state.consents.has(command.consentId)) throw new DomainError('consent.duplicate', 'consent id already used');
        checkConsentScope(command, context);
        const { type: _t, ...data } = command;
        return [{ type: 'ConsentGiven.v1', data: { personId, ...data } }];
      }
      case 'WithdrawConsent': {
        const consent = activeConsent(state, command);
        if (command.scope) checkWithdrawalScope(command.scope, consent);
        const data = { personId, consentId: command.consentId, withdrawnAt: context.now };
        return [{ type: 'ConsentWithdrawn.v1', data: command.scope ? { ...data, scope: command.scope } : data }];
      }
      case 'ExpireConsent': {
        const consent = activeConsent(state, command);
        if (!consent.validUntil || Date.parse(consent.validUntil) > Date.parse(context.now)) {
          throw new DomainError('consent.not-due', 'consent has not reached its end date');
        }
        return [{ type: 'ConsentExpired.v1', data: { personId, consentId: command.consentId, expiredAt: consent.validUntil } }];
      }
      case 'AssessNeeds':
        checkNeeds('needs', command.needs);
        return [{ type: 'NeedsAssessed.v1', data: { personId, assessmentId: command.assessmentId, needs: command.needs } }];
      case 'RecordCheckIn': {
        checkNeeds('changes', command.changes);
        const data = { personId, checkInId: command.checkInId, changes: command.changes };
        return [{ type: 'CheckInRecorded.v1', data: command.note === undefined ? data : { ...data, note: command.note } }];
      }
      case 'ErasePerson':
        return [{ type: 'PersonErased.v1', data: { personId, erasedAt: context.now } }];
      case 'OpenBreakGlass':
      case 'ReviewBreakGlass':
        return decideBreakGlass(command, state.breakGlass, personId, context.now);
    }
  },
};

