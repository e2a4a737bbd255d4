import {
  AgreementVersion,
  Category,
  ConsentRecord,
  LawfulBasis,
  NEED_CATEGORIES,
  Purpose,
  SUBJECT_EVENT_SCHEMAS,
} from '@onestop/domain';
import type { AgencyFacts, DecisionInput } from '../src/policy.types';

/**
 * A second, deliberately naive statement of the sharing decision (PRODUCT.md, "The decision
 * every record goes through"), written without the production code so that property tests can
 * hold `decide` against it. It favours being obviously right over being fast: every rule is
 * recomputed from scratch for every field.
 */

/** Why the reference kept a category: the agency's own record, or the first grant that holds. */
export type ReferenceGround =
  | { kind: 'own-record' }
  | { kind: 'party'; role: 'referrer' }
  | { kind: 'grant'; agreementId: string; version: number; grant: number; basis: LawfulBasis; consentId?: string };

export interface ReferenceVerdict {
  permit: boolean;
  /**
   * The field paths that leave, sorted: a field's name, `<field>.<category>` for each entry of a
   * by-key field, and `personId` when identity is permitted.
   */
  kept: string[];
  /** For every category of a kept path (identity for `personId`), the ground that kept it. */
  grounds: Partial<Record<Category, ReferenceGround>>;
}

const ms = (iso: string): number => new Date(iso).getTime();

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
const utcDay = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

/**
 * A version is in force at `at` when it has taken effect, no higher version of the same
 * agreement has taken effect, and `at` falls on or before its review day (UTC).
 */
export function referenceInForce(version: AgreementVersion, all: readonly AgreementVersion[], at: string): boolean {
  if (ms(version.effectiveFrom) > ms(at)) return false;
  for (const other of all) {
    const sameAgreement = other.agreementId === version.agreementId;
    if (sameAgreement && other.version > version.version && ms(other.effectiveFrom) <= ms(at)) return false;
  }
  return utcDay(at) <= version.reviewDate.slice(0, 10);
}

/** A grant recipient is an agency id or `kind:<kind>`. */
export function referenceNames(recipient: string, agency: AgencyFacts): boolean {
  return recipient === agency.agencyId || recipient === 'kind:' + agency.kind;
}

/** An active consent, valid at `at`, naming the agency (id or kind), the category and the purpose. */
export function referenceConsentCovers(
  consent: ConsentRecord,
  agency: AgencyFacts,
  category: Category,
  purpose: Purpose,
  at: string,
): boolean {
  if (consent.status !== 'active') return false;
  if (ms(at) < ms(consent.validFrom)) return false;
  if (consent.validUntil !== undefined && ms(at) >= ms(consent.validUntil)) return false;
  const recipients = consent.scope.recipients;
  const namesAgency = recipients.agencies.includes(agency.agencyId) || recipients.kinds.includes(agency.kind);
  return namesAgency && consent.scope.categories.includes(category) && consent.scope.purposes.includes(purpose);
}

/**
 * The grant permitting one category, ignoring who recorded the event: every grant of every
 * version in force, that the agency is a party to, naming the agency, category and purpose, taken in agreement-id order
 * then grant order; the first whose consent condition holds wins. When consent is needed, the
 * covering consent with the lowest id is named.
 */
export function referenceGrantGround(input: Omit<DecisionInput, 'event'>, category: Category): ReferenceGround | undefined {
  const { agency, purpose, at } = input;
  const candidates: { agreementId: string; version: number; grant: number; basis: LawfulBasis; needsConsent: boolean }[] = [];
  for (const version of input.agreements) {
    if (!referenceInForce(version, input.agreements, at)) continue;
    if (!version.parties.some((party) => referenceNames(party, agency))) continue; // not a party: no grant
    version.grants.forEach((grant, index) => {
      if (!referenceNames(grant.recipient, agency)) return;
      if (!grant.categories.includes(category) || !grant.purposes.includes(purpose)) return;
      candidates.push({
        agreementId: version.agreementId,
        version: version.version,
        grant: index + 1,
        basis: grant.basis,
        needsConsent: grant.basis === 'consent' || grant.consentRequired,
      });
    });
  }
  candidates.sort((a, b) => compare(a.agreementId, b.agreementId) || a.grant - b.grant);

  for (const { needsConsent, ...ground } of candidates) {
    if (!needsConsent) return { kind: 'grant', ...ground };
    const covering = [...input.consents.values()]
      .filter((consent) => referenceConsentCovers(consent, agency, category, purpose, at))
      .map((consent) => consent.consentId)
      .sort(compare);
    if (covering.length > 0) return { kind: 'grant', ...ground, consentId: covering[0] };
  }
  return undefined;
}

/**
 * The agency that raised a referral is told of its progress: a referral event, decided for the
 * purpose `referral`, addressed to the agency, whose `fromAgency` is that agency. It covers the
 * `referral` category only.
 */
export function referenceIsReferrer(input: DecisionInput): boolean {
  const { event, agency } = input;
  const isReferralEvent = event.type.indexOf('Referral') === 0;
  const addressedToIt = (event.metadata.addressedTo ?? []).includes(agency.agencyId);
  return isReferralEvent && input.purpose === 'referral' && addressedToIt && event.data.fromAgency === agency.agencyId;
}

/** The whole decision for one event: which paths leave, and on which ground. */
export function referenceDecision(input: DecisionInput): ReferenceVerdict {
  const { event, agency } = input;
  const denied: ReferenceVerdict = { permit: false, kept: [], grounds: {} };
  if (!Object.hasOwn(SUBJECT_EVENT_SCHEMAS, event.type)) return denied;
  const addressedTo = event.metadata.addressedTo;
  if (addressedTo !== undefined && !addressedTo.includes(agency.agencyId)) return denied;

  const ownRecord = event.metadata.recordedBy === agency.agencyId;
  const referrer = referenceIsReferrer(input);
  const schema = SUBJECT_EVENT_SCHEMAS[event.type as keyof typeof SUBJECT_EVENT_SCHEMAS];
  const kept: string[] = [];
  const grounds: Partial<Record<Category, ReferenceGround>> = {};
  const keepIfPermitted = (path: string, category: Category): void => {
    let ground: ReferenceGround | undefined;
    if (ownRecord) ground = { kind: 'own-record' };
    else if (referrer && category === 'referral') ground = { kind: 'party', role: 'referrer' };
    else ground = referenceGrantGround(input, category);
    if (ground === undefined) return;
    kept.push(path);
    grounds[category] = ground;
  };

  for (const name of Object.keys(event.data)) {
    const value = event.data[name];
    if (!Object.hasOwn(schema, name) || value === undefined) continue;
    const rule = schema[name];
    if (rule.kind === 'category') keepIfPermitted(name, rule.category);
    if (rule.kind === 'byKey') {
      for (const key of Object.keys(value as object)) {
        const needCategory = NEED_CATEGORIES.find((c) => c === key);
        if (needCategory !== undefined) keepIfPermitted(`${name}.${key}`, needCategory);
      }
    }
  }
  // An assessment's or check-in's id alone says only that something was recorded: not delivered.
  const recordIds = Object.keys(schema).filter((name) => {
    const rule = schema[name];
    return rule.kind === 'category' && rule.recordId === true;
  });
  if (kept.every((path) => recordIds.includes(path))) return denied;
  if (typeof event.data.personId === 'string') keepIfPermitted('personId', 'identity');
  return { permit: true, kept: kept.sort(compare), grounds };
}

/** Plain code-unit order, the same on every machine. */
function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
