import {
  AgreementVersion,
  CATEGORIES,
  CONSENT_METHODS,
  ConsentGivenV1,
  ConsentLedger,
  evolveConsents,
  Grant,
  LAWFUL_BASES,
  PersonEvent,
  PURPOSES,
} from '@onestop/domain';
import fc from 'fast-check';
import type { AgencyFacts, DecidableEvent, DecisionInput } from '../src/policy.types';
import { decidableEventArb } from './event-arbitraries';
import {
  AGENCIES,
  AGENCY_IDS,
  AGENCY_KINDS_IN_POOL,
  agencyArb,
  dayAfter,
  GRANT_RECIPIENTS,
  INSTANTS,
  instantArb,
  purposeArb,
} from './time-and-agencies';

export * from './event-arbitraries';
export * from './time-and-agencies';

/**
 * A grant to anyone in the pool; given the deciding agency, half the grants name it (by id or
 * kind) so that permits are common.
 */
export function grantArb(agency?: AgencyFacts): fc.Arbitrary<Grant> {
  const anyone = fc.constantFrom(...GRANT_RECIPIENTS);
  const recipient = agency ? fc.oneof(anyone, fc.constantFrom(agency.agencyId, `kind:${agency.kind}`)) : anyone;
  return fc.record({
    recipient,
    categories: fc.subarray([...CATEGORIES], { minLength: 2 }),
    purposes: fc.subarray([...PURPOSES], { minLength: 2 }),
    basis: fc.constantFrom(...LAWFUL_BASES),
    consentRequired: fc.boolean(),
    retentionDays: fc.constantFrom(30, 90, 365),
  });
}

/** What changes from one version to the next: when it takes effect, its review, its grants. */
const versionChangeArb = (agency?: AgencyFacts) =>
  fc.record({
    effectiveFrom: fc.oneof(instantArb, fc.constantFrom(...INSTANTS.slice(0, 6))),
    reviewAfterDays: fc.integer({ min: 1, max: 4 }),
    reviewDateWithTime: fc.boolean(),
    dropGrants: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 2 }),
    addGrants: fc.array(grantArb(agency), { maxLength: 2 }),
  });

export const AGREEMENT_IDS = ['isp-housing', 'mash', 'rapid-referral'];

/**
 * The published versions of one agreement, as the agreement decider allows them: numbered from
 * 1, each taking effect no earlier than the one before and reviewed 1–4 days later; each new
 * version drops some grants of the previous one and adds others.
 */
export function agreementHistoryArb(agreementId: string, agency?: AgencyFacts): fc.Arbitrary<AgreementVersion[]> {
  return fc
    .tuple(fc.array(grantArb(agency), { minLength: 1, maxLength: 4 }), fc.array(versionChangeArb(agency), { minLength: 1, maxLength: 3 }))
    .map(([firstGrants, changes]) => {
      const ordered = [...changes].sort((a, b) => INSTANTS.indexOf(a.effectiveFrom) - INSTANTS.indexOf(b.effectiveFrom));
      let grants = firstGrants;
      return ordered.map((change, i) => {
        if (i > 0) grants = [...grants.filter((_, g) => !change.dropGrants.includes(g)), ...change.addGrants];
        const reviewDay = dayAfter(change.effectiveFrom, change.reviewAfterDays);
        return {
          agreementId,
          version: i + 1,
          title: `${agreementId} information sharing protocol`,
          parties: [...new Set(grants.map((g) => g.recipient))],
          grants,
          effectiveFrom: change.effectiveFrom,
          reviewDate: change.reviewDateWithTime ? `${reviewDay}T12:00:00.000Z` : reviewDay,
        };
      });
    });
}

/** Every version of up to three agreements, in no particular order. */
export function agreementsArb(agency?: AgencyFacts): fc.Arbitrary<AgreementVersion[]> {
  return fc
    .tuple(...AGREEMENT_IDS.map((id) => fc.option(agreementHistoryArb(id, agency), { freq: 4, nil: undefined })))
    .chain((histories) => {
      const all = histories.flatMap((h) => h ?? []);
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    });
}

const consentGivenArb = (personId: string, consentId: string, agency?: AgencyFacts): fc.Arbitrary<ConsentGivenV1> =>
  fc.integer({ min: 0, max: INSTANTS.length - 1 }).chain((from) =>
    fc
      .record({
        recipients: fc
          .record({ agencies: fc.subarray([...AGENCY_IDS]), kinds: fc.subarray([...AGENCY_KINDS_IN_POOL]), namesAgency: fc.boolean() })
          .map(({ namesAgency, ...r }) => (agency && namesAgency ? { ...r, agencies: [...new Set([...r.agencies, agency.agencyId])] } : r))
          .filter((r) => r.agencies.length + r.kinds.length > 0),
        categories: fc.subarray([...CATEGORIES], { minLength: 1 }),
        purposes: fc.subarray([...PURPOSES], { minLength: 1 }),
        method: fc.constantFrom(...CONSENT_METHODS),
        evidenceRef: fc.option(fc.constantFrom('form-ISP-1/2025-0042'), { nil: undefined }),
        validUntil: fc.option(
          fc.integer({ min: from + 1, max: INSTANTS.length }).map((to) => INSTANTS[to] ?? '2025-03-31T00:00:00.000Z'),
          { nil: undefined },
        ),
      })
      .map((scope) => ({ type: 'ConsentGiven.v1' as const, data: { personId, consentId, validFrom: INSTANTS[from], ...scope } })),
  );

/** A partial withdrawal names some recipients, categories or purposes to remove. */
const withdrawnScopeArb = fc.record(
  {
    recipients: fc.record({
      agencies: fc.subarray([...AGENCY_IDS], { maxLength: 2 }),
      kinds: fc.subarray([...AGENCY_KINDS_IN_POOL], { maxLength: 1 }),
    }),
    categories: fc.subarray([...CATEGORIES], { minLength: 1, maxLength: 3 }),
    purposes: fc.subarray([...PURPOSES], { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const laterConsentEventArb = (personId: string, ids: string[]): fc.Arbitrary<PersonEvent> => {
  const consentId = fc.constantFrom(...ids);
  return fc.oneof(
    fc.record({ consentId, withdrawnAt: instantArb }).map((d) => ({ type: 'ConsentWithdrawn.v1' as const, data: { personId, ...d } })),
    fc
      .record({ consentId, withdrawnAt: instantArb, scope: withdrawnScopeArb })
      .map((d) => ({ type: 'ConsentWithdrawn.v1' as const, data: { personId, ...d } })),
    fc.record({ consentId, expiredAt: instantArb }).map((d) => ({ type: 'ConsentExpired.v1' as const, data: { personId, ...d } })),
  );
};

/** A person's consent events and the ledger the domain folds from them. */
export interface ConsentHistory {
  events: PersonEvent[];
  ledger: ConsentLedger;
}

/**
 * Up to three consents, then withdrawals (full or partial) and expiries, folded by
 * `evolveConsents`. Given the deciding agency, half the consents name it.
 */
export function consentHistoryArb(personId: string, agency?: AgencyFacts): fc.Arbitrary<ConsentHistory> {
  return fc.shuffledSubarray(['c-1', 'c-2', 'c-3']).chain((ids) => {
    if (ids.length === 0) return fc.constant<ConsentHistory>({ events: [], ledger: new Map() });
    return fc
      .tuple(fc.tuple(...ids.map((id) => consentGivenArb(personId, id, agency))), fc.array(laterConsentEventArb(personId, ids), { maxLength: 3 }))
      .map(([given, later]): ConsentHistory => {
        const events: PersonEvent[] = [...given, ...later];
        return { events, ledger: foldConsents(events) };
      });
  });
}

export const foldConsents = (events: readonly PersonEvent[], from: ConsentLedger = new Map()): ConsentLedger =>
  events.reduce(evolveConsents, from);

/** Every input of one decision, plus the consent events its ledger was folded from. */
export interface PolicyCase extends DecisionInput {
  consentEvents: PersonEvent[];
}

/** The deciding agency: any of the pool, and often the referrer an event names (as the publisher meets it). */
const decidingAgencyArb = (event: DecidableEvent): fc.Arbitrary<AgencyFacts> => {
  const referrer = AGENCIES.find((a) => a.agencyId === event.data.fromAgency);
  return referrer ? fc.oneof(agencyArb, fc.constant(referrer)) : agencyArb;
};

export const policyCaseArb: fc.Arbitrary<PolicyCase> = decidableEventArb.chain((event) => decidingAgencyArb(event).map((agency) => [event, agency] as const)).chain(([event, agency]) =>
  fc
    .record({
      agreements: agreementsArb(agency),
      history: consentHistoryArb(event.metadata.personId ?? 'unknown-person', agency),
      at: instantArb,
      // Often the purpose the event was recorded for, which is what the publisher decides for.
      purpose: fc.oneof(purposeArb, fc.constant(event.metadata.purpose)),
    })
    .map(({ history, ...rest }) => ({ event, agency, ...rest, consents: history.ledger, consentEvents: history.events })),
);
