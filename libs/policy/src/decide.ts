import {
  AgreementVersion,
  CATEGORIES,
  Category,
  categoriesOfField,
  ConsentRecord,
  consentCovers,
  Grant,
  isRecordId,
  isSubjectEventType,
  SUBJECT_EVENT_SCHEMAS,
} from '@onestop/domain';
import { agreementsInForce } from './agreements-in-force';
import { Decision, DecisionInput, Ground, Refusal } from './policy.types';

const isRefusal = (x: Ground | Refusal): x is Refusal => 'reason' in x;

/** Grant recipients name an agency id or `kind:<kind>` (`kindName`). */
const grantNames = (recipient: string, agency: DecisionInput['agency'], kindName: string): boolean => recipient === agency.agencyId || recipient === kindName;

/** What a ground by grant depends on: everything the decision does but the event. */
export type GrantQuestion = Omit<DecisionInput, 'event' | 'groundsFound'>;

/** The consent with the lowest id among those covering the agency, category and purpose at `at`. */
function coveringConsent(input: GrantQuestion, category: Category): ConsentRecord | undefined {
  let found: ConsentRecord | undefined;
  for (const consent of input.consents.values()) {
    if ((!found || consent.consentId < found.consentId) && consentCovers(consent, input.agency, category, input.purpose, input.at)) found = consent;
  }
  return found;
}

/**
 * Finds the ground permitting one category, or the reason none does. Agreements are searched
 * in id order and grants in published order; the first grant whose conditions hold wins.
 * `inForce` is `agreementsInForce(input.agreements, input.at)`, passed by a caller that judges
 * several categories of one input so that it is worked out once.
 */
export function groundFor(input: GrantQuestion, category: Category, inForce: readonly AgreementVersion[] = input.inForce ?? agreementsInForce(input.agreements, input.at)): Ground | Refusal {
  let reason = 'no agreement in force grants this category for this purpose';
  for (const { agreement, grant, ground } of candidateGrants(inForce, input.agency, category, input.purpose)) {
    if (grant.basis !== 'consent' && !grant.consentRequired) return ground;
    const consent = coveringConsent(input, category);
    if (consent) return { ...ground, consentId: consent.consentId };
    reason = `agreement ${agreement.agreementId} v${agreement.version} grant ${ground.grant} needs consent, and none in force covers it`;
  }
  return { category, reason };
}

/**
 * Every category's ground by grant (or refusal) for one agency, purpose, agreements, consents and
 * moment: the `groundsFound` of a caller deciding many events for one viewer, worked out whole.
 * Given it, the decision of an event depends on nothing but the event, the agency and the
 * purpose, so a reader may reuse a decision while this table stays the same (`groundsKey`).
 */
export function groundsByGrant(question: GrantQuestion): Map<Category, Ground | Refusal> {
  const inForce = question.inForce ?? agreementsInForce(question.agreements, question.at);
  return new Map(CATEGORIES.map((category) => [category, groundFor(question, category, inForce)]));
}

/**
 * A key naming what a table of grounds permits: equal keys, equal decisions for every event
 * (refusals differ only in their reasons, which a permit does not carry).
 */
export function groundsKey(grounds: ReadonlyMap<Category, Ground | Refusal>): string {
  let key = '';
  for (const category of CATEGORIES) {
    const found = grounds.get(category);
    // NUL cannot occur in an agreement or consent id, so no two tables read alike.
    key += !found || isRefusal(found) ? '\u0000-' : found.kind === 'grant' ? `\u0000${found.agreementId}\u0001${found.version}\u0001${found.grant}\u0001${found.basis}\u0001${found.consentId ?? ''}` : `\u0000${found.kind}`;
  }
  return key;
}

/** A grant naming the agency, category and purpose, in search order, with the ground it gives. */
interface Candidate {
  agreement: AgreementVersion;
  grant: Grant;
  ground: Ground & { kind: 'grant' };
}

const candidatesOf = new WeakMap<readonly AgreementVersion[], Map<string, readonly Candidate[]>>();

/**
 * The grants of the agreements in force that the agency is a party to and that name it (by id or
 * kind), the category and the purpose, in search order: agreements in id order, grants in published order. Worked out
 * once per list of agreements in force (`agreementsInForce` gives the same list while it holds)
 * and question, since the publisher and the history reader ask it for every event.
 */
function candidateGrants(inForce: readonly AgreementVersion[], agency: DecisionInput['agency'], category: Category, purpose: DecisionInput['purpose']): readonly Candidate[] {
  let known = candidatesOf.get(inForce);
  if (!known) candidatesOf.set(inForce, (known = new Map()));
  const question = `${agency.agencyId}\u0000${agency.kind}\u0000${category}\u0000${purpose}`;
  let found = known.get(question);
  if (found) return found;
  const kindName = `kind:${agency.kind}`;
  const candidates: Candidate[] = [];
  for (const agreement of inForce) {
    // An agreement gives nothing to an agency that is not a party to it (by id or by kind).
    if (!agreement.parties.some((party) => grantNames(party, agency, kindName))) continue;
    for (const [index, grant] of agreement.grants.entries()) {
      if (!grantNames(grant.recipient, agency, kindName)) continue;
      if (!grant.categories.includes(category) || !grant.purposes.includes(purpose)) continue;
      const ground = Object.freeze({ kind: 'grant' as const, agreementId: agreement.agreementId, version: agreement.version, grant: index + 1, basis: grant.basis });
      candidates.push({ agreement, grant, ground });
    }
  }
  known.set(question, (found = candidates));
  return found;
}

/**
 * The referrer's ground. The agency that raised a referral is a party to it: it receives the
 * referral's own record of its progress (acknowledged, accepted, declined, started, escalated,
 * withdrawn) whoever recorded the step, even where no agreement grants it `referral` — it
 * cannot follow up what it raised otherwise. Narrow on purpose: only fields of category
 * `referral`, only of referral events addressed to it and naming it as `fromAgency`, and only
 * for the purpose `referral`. Identity and every other category still need a grant.
 */
export function partyGround(input: DecisionInput, category: Category): Ground | undefined {
  const { event, agency, purpose } = input;
  if (category !== 'referral' || purpose !== 'referral' || !event.type.startsWith('Referral')) return undefined;
  const addressed = event.metadata.addressedTo?.includes(agency.agencyId) ?? false;
  return addressed && event.data.fromAgency === agency.agencyId ? { kind: 'party', role: 'referrer' } : undefined;
}

/**
 * The sharing decision: may this agency receive this event for this purpose at this time, and
 * which fields. Deny by default: a field is kept only when its category has a ground; an event
 * with nothing left, or nothing but the record's own id, is denied. Events addressed to named agencies go to no one else. An agency
 * always receives what its own users recorded (it is that record's controller), and the agency
 * that raised a referral receives the referral's progress (`partyGround`). The person's
 * hub id goes only to an agency permitted their identity; the others see a pseudonym.
 */
export function decide(input: DecisionInput): Decision {
  const { event, agency, purpose } = input;
  if (!isSubjectEventType(event.type)) {
    return { permit: false, purpose, reasons: [`${event.type} is not disclosed to agencies`], refused: [] };
  }
  const addressed = event.metadata.addressedTo;
  if (addressed && !addressed.includes(agency.agencyId)) {
    return { permit: false, purpose, reasons: ['the event is addressed to other agencies'], refused: [] };
  }
  const own = event.metadata.recordedBy === agency.agencyId;
  const schema = SUBJECT_EVENT_SCHEMAS[event.type];
  const grounds: Partial<Record<Category, Ground>> = {};
  const refused: Refusal[] = [];
  let inForce = input.inForce;
  const byGrant = (category: Category): Ground | Refusal => {
    const known = input.groundsFound?.get(category);
    if (known) return known;
    const found = groundFor(input, category, (inForce ??= agreementsInForce(input.agreements, input.at)));
    input.groundsFound?.set(category, found);
    return found;
  };
  const judge = (category: Category): boolean => {
    if (grounds[category]) return true;
    if (refused.some((r) => r.category === category)) return false;
    const found: Ground | Refusal = own ? { kind: 'own-record' } : (partyGround(input, category) ?? byGrant(category));
    if (isRefusal(found)) refused.push(found);
    else grounds[category] = found;
    return !isRefusal(found);
  };

  const data: Record<string, unknown> = {};
  const weight: Weight[] = [];
  for (const name of Object.keys(event.data)) {
    const value = event.data[name];
    const rule = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (!rule || rule.kind === 'subject' || value === undefined) continue;
    if (rule.kind === 'byKey') {
      let kept: Record<string, unknown> | undefined;
      for (const category of categoriesOfField(rule, value)) {
        if (!judge(category)) continue;
        (kept ??= {})[category] = (value as Record<string, unknown>)[category];
        bump(weight, grounds[category]);
      }
      if (kept) data[name] = kept;
      continue;
    }
    if (judge(rule.category)) {
      data[name] = value;
      bump(weight, grounds[rule.category]);
    }
  }
  const fields = Object.keys(data);
  if (fields.every((name) => isRecordId(schema[name]))) {
    const nothing = fields.length === 0 ? 'the event has no disclosable fields' : 'nothing of the record is left but its id';
    const reasons = refused.length ? refused.map((r) => `${r.category}: ${r.reason}`) : [nothing];
    return { permit: false, purpose, reasons, refused };
  }
  if (typeof event.data.personId === 'string' && judge('identity')) data.personId = event.data.personId;
  // The ground covering the most fields; of those covering as many, the first counted.
  let primary = weight[0];
  for (const w of weight) if (w.fields > primary.fields) primary = w;
  return { permit: true, purpose, data, fields, grounds, primary: primary.ground, refused };
}

/** How many kept fields a ground permitted. */
interface Weight {
  ground: Ground;
  fields: number;
}

/** Counts a field for its ground; two categories permitted by the same grant share one count. */
function bump(weight: Weight[], ground: Ground | undefined): void {
  if (!ground) return;
  const counted = weight.find((w) => sameGround(w.ground, ground));
  if (counted) counted.fields += 1;
  else weight.push({ ground, fields: 1 });
}

/** Whether two grounds say the same: the same kind and, for a grant, the same agreement version, grant, basis and consent. */
function sameGround(a: Ground, b: Ground): boolean {
  if (a.kind === 'grant' && b.kind === 'grant') {
    return a.agreementId === b.agreementId && a.version === b.version && a.grant === b.grant && a.basis === b.basis && a.consentId === b.consentId;
  }
  if (a.kind === 'party' && b.kind === 'party') return a.role === b.role;
  return a.kind === 'own-record' && b.kind === 'own-record';
}
