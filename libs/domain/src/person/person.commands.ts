import { Category, ConsentMethod } from '../vocabulary';
import { BreakGlassOutcome, ConsentScope, NeedEntry, PersonContact, PersonIdentifiers } from './person.events';

export interface RegisterPerson {
  type: 'RegisterPerson';
  personId: string;
  name: string;
  dateOfBirth: string;
  identifiers: PersonIdentifiers;
  contact: PersonContact;
}

export interface CorrectPersonDetails {
  type: 'CorrectPersonDetails';
  name?: string;
  dateOfBirth?: string;
  identifiers?: PersonIdentifiers;
  contact?: PersonContact;
}

export interface GiveConsent extends ConsentScope {
  type: 'GiveConsent';
  consentId: string;
  method: ConsentMethod;
  evidenceRef?: string;
  validFrom: string;
  validUntil?: string;
}

export interface WithdrawConsent {
  type: 'WithdrawConsent';
  consentId: string;
  scope?: Partial<ConsentScope>;
}

export interface ExpireConsent {
  type: 'ExpireConsent';
  consentId: string;
}

export interface AssessNeeds {
  type: 'AssessNeeds';
  assessmentId: string;
  needs: Partial<Record<Category, NeedEntry>>;
}

export interface RecordCheckIn {
  type: 'RecordCheckIn';
  checkInId: string;
  changes: Partial<Record<Category, NeedEntry>>;
  note?: string;
}

/** Erase the person: record `PersonErased.v1`; the caller then destroys their data key. */
export interface ErasePerson {
  type: 'ErasePerson';
}

/** Open break-glass access for `minutes` (1 to 240) with a written reason. */
export interface OpenBreakGlass {
  type: 'OpenBreakGlass';
  grantId: string;
  reason: string;
  minutes: number;
}

/** Record the data-protection officer's review of a break-glass grant (once per grant). */
export interface ReviewBreakGlass {
  type: 'ReviewBreakGlass';
  grantId: string;
  outcome: BreakGlassOutcome;
  note?: string;
}

export type PersonCommand =
  | RegisterPerson
  | CorrectPersonDetails
  | GiveConsent
  | WithdrawConsent
  | ExpireConsent
  | AssessNeeds
  | RecordCheckIn
  | ErasePerson
  | OpenBreakGlass
  | ReviewBreakGlass;
