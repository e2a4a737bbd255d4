import { AgreementVersion, Category, ConsentLedger, EventMetadata, LawfulBasis, Purpose } from '@onestop/domain';

/** The facts about an agency the decision needs. */
export interface AgencyFacts {
  agencyId: string;
  kind: string;
}

/** A stored subject event with its data decrypted. */
export interface DecidableEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/**
 * Everything the decision depends on. It is a pure function of this input, so it can be
 * replayed for any past moment.
 */
export interface DecisionInput {
  event: DecidableEvent;
  agency: AgencyFacts;
  /** Every published version of every agreement; the decision picks those in force at `at`. */
  agreements: readonly AgreementVersion[];
  /**
   * `agreementsInForce(agreements, at)`, when the caller worked it out already (it decides one
   * event for many agencies); the decision works it out itself when absent.
   */
  inForce?: readonly AgreementVersion[];
  /**
   * Grounds already found by grant, per category, for this same agency, purpose, agreements,
   * consents and moment: a caller deciding many events of one person for one viewer (a history
   * read) passes one map to every decision, so that each category's grants and consents are
   * searched once. The decision adds what it finds.
   */
  groundsFound?: Map<Category, Ground | Refusal>;
  /** The person's consents as they stood at `at`. */
  consents: ConsentLedger;
  /** The moment decided for (ISO 8601). */
  at: string;
  purpose: Purpose;
}

/**
 * Why one category was permitted: a grant of an agreement in force (naming the consent relied
 * on, when consent was a condition); the agency's own record; or, for the agency that raised a
 * referral, being a party to it (see `partyGround`).
 */
export type Ground =
  | { kind: 'grant'; agreementId: string; version: number; grant: number; basis: LawfulBasis; consentId?: string }
  | { kind: 'own-record' }
  | { kind: 'party'; role: 'referrer' };

/** Why one category was refused. */
export interface Refusal {
  category: Category;
  reason: string;
}

/** Permit: the fields kept, and for each kept category the ground that permitted it. */
export interface Permit {
  permit: true;
  purpose: Purpose;
  data: Record<string, unknown>;
  fields: string[];
  grounds: Partial<Record<Category, Ground>>;
  /** The ground named in the message's extensions: the one covering the most fields. */
  primary: Ground;
  refused: Refusal[];
}

export interface Deny {
  permit: false;
  purpose: Purpose;
  reasons: string[];
  refused: Refusal[];
}

export type Decision = Permit | Deny;
