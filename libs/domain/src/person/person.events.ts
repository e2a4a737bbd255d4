import { Category, ConsentMethod, NeedLevel, Purpose } from '../vocabulary';

/** Optional identifiers another system knows the person by. */
export interface PersonIdentifiers {
  nhsNumber?: string;
  policeRef?: string;
  councilRef?: string;
}

export interface PersonContact {
  phone?: string;
  email?: string;
  address?: string;
}

/** A person was registered with the hub (stream `person-<uuid>`, revision 0). */
export interface PersonRegisteredV1 {
  type: 'PersonRegistered.v1';
  data: {
    personId: string;
    name: string;
    dateOfBirth: string;
    identifiers: PersonIdentifiers;
    contact: PersonContact;
  };
}

/** Identity or contact details were corrected; only the fields present change. */
export interface PersonDetailsCorrectedV1 {
  type: 'PersonDetailsCorrected.v1';
  data: {
    personId: string;
    name?: string;
    dateOfBirth?: string;
    identifiers?: PersonIdentifiers;
    contact?: PersonContact;
  };
}

/** Who a consent covers: named agencies and/or every agency of a kind. */
export interface ConsentRecipients {
  agencies: string[];
  kinds: string[];
}

/** The scope of a consent: recipients × categories × purposes. */
export interface ConsentScope {
  recipients: ConsentRecipients;
  categories: Category[];
  purposes: Purpose[];
}

/** The person gave consent, recorded by a caseworker. */
export interface ConsentGivenV1 {
  type: 'ConsentGiven.v1';
  data: ConsentScope & {
    personId: string;
    consentId: string;
    method: ConsentMethod;
    evidenceRef?: string;
    validFrom: string;
    validUntil?: string;
  };
}

/**
 * The person withdrew consent. Without `scope` the whole consent ends; with it, only the named
 * recipients, categories or purposes are removed (a partial withdrawal).
 */
export interface ConsentWithdrawnV1 {
  type: 'ConsentWithdrawn.v1';
  data: {
    personId: string;
    consentId: string;
    scope?: Partial<ConsentScope>;
    withdrawnAt: string;
  };
}

/** A consent reached its `validUntil`. */
export interface ConsentExpiredV1 {
  type: 'ConsentExpired.v1';
  data: { personId: string; consentId: string; expiredAt: string };
}

/** One need in a profile: level with a summary and details. */
export interface NeedEntry {
  level: NeedLevel;
  summary: string;
  details?: string;
}

/** A needs profile was assessed; each entry belongs to the category it is keyed by. */
export interface NeedsAssessedV1 {
  type: 'NeedsAssessed.v1';
  data: {
    personId: string;
    assessmentId: string;
    needs: Partial<Record<Category, NeedEntry>>;
  };
}

/** A weekly check-in recorded changed circumstances per category and a general note. */
export interface CheckInRecordedV1 {
  type: 'CheckInRecorded.v1';
  data: {
    personId: string;
    checkInId: string;
    changes: Partial<Record<Category, NeedEntry>>;
    note?: string;
  };
}

/**
 * The person was erased (crypto-shredding): their data key is destroyed, so every sealed field
 * of their history is unreadable for ever. Carries nothing but the subject and the moment; the
 * publisher turns it into retractions from every agency that holds anything.
 */
export interface PersonErasedV1 {
  type: 'PersonErased.v1';
  data: { personId: string; erasedAt: string };
}

/**
 * A caseworker opened emergency (break-glass) access to the person under `vital-interests`,
 * until `until` (at most four hours). The reason is sealed under the person's data key. Never
 * disclosed to agencies (recorded addressed to none); every read under it is audited and the
 * grant waits in the data-protection officer's review queue.
 */
export interface BreakGlassOpenedV1 {
  type: 'BreakGlassOpened.v1';
  data: { personId: string; grantId: string; reason: string; until: string };
}

/** The data-protection officer reviewed a break-glass grant; the note is sealed like the reason. */
export interface BreakGlassReviewedV1 {
  type: 'BreakGlassReviewed.v1';
  data: { personId: string; grantId: string; outcome: BreakGlassOutcome; note?: string };
}

/** What the review of a break-glass access found. */
export type BreakGlassOutcome = 'justified' | 'not-justified';
export const BREAK_GLASS_OUTCOMES: readonly BreakGlassOutcome[] = ['justified', 'not-justified'];

export type PersonEvent =
  | PersonRegisteredV1
  | PersonDetailsCorrectedV1
  | ConsentGivenV1
  | ConsentWithdrawnV1
  | ConsentExpiredV1
  | NeedsAssessedV1
  | CheckInRecordedV1
  | PersonErasedV1
  | BreakGlassOpenedV1
  | BreakGlassReviewedV1;
