import { ConsentLedger, REFERRAL_STATUS_AFTER, ReferralEvent } from '@onestop/domain';
import { VisibleEvent } from './person-reader';

/** The current picture of a person built from what the viewer may see. */
export interface PersonSummary {
  personId?: string;
  pseudonym: string;
  identity?: { name?: string; dateOfBirth?: string; identifiers?: Record<string, string> };
  contact?: Record<string, string>;
  needs: Record<string, { level: string; summary: string; details?: string; updatedAt: string }>;
  consents: Array<Record<string, unknown>>;
  referrals: Record<string, { status: string; service?: string; urgency?: string; toAgency?: string; fromAgency?: string; updatedAt: string }>;
  revision: number;
  lastUpdated?: string;
}

/** An empty summary for a pseudonym. */
export const emptySummary = (pseudonym: string, revision = -1): PersonSummary => ({ pseudonym, needs: {}, consents: [], referrals: {}, revision });

/** Folds a filtered history into a summary; fields the viewer may not see never appear. */
export function summarise(pseudonym: string, history: readonly VisibleEvent[], revision: number): PersonSummary {
  return history.reduce(applyToSummary, emptySummary(pseudonym, revision));
}

/**
 * The consents a summary shows, each with its status as it stands at `at` (`ledger`: every consent
 * event of the person). A viewer may see a consent given without seeing the event that ended it
 * (recorded by another agency, or by the hub when it ran out): it must not be shown active then.
 */
export function withConsentsAsTheyStand(summary: PersonSummary, ledger: ConsentLedger, at: string): PersonSummary {
  const consents = summary.consents.map((shown) => {
    const held = ledger.get(shown.consentId as string);
    if (!held) return shown;
    const ranOut = held.status === 'active' && held.validUntil !== undefined && Date.parse(held.validUntil) <= Date.parse(at);
    const status = ranOut ? 'expired' : held.status;
    return status === shown.status ? shown : { ...shown, status };
  });
  return { ...summary, consents };
}

/**
 * Adds one visible event to a summary. Returns a new summary and never changes `previous`: the
 * parts this event changes are copied, the rest is shared with `previous` (summaries are values,
 * not mutated once made; a deep clone per event dominated the publisher's and re-projections' time).
 */
export function applyToSummary(previous: PersonSummary, e: Pick<VisibleEvent, 'type' | 'data' | 'occurredAt'>): PersonSummary {
  const s: PersonSummary = { ...previous, needs: { ...previous.needs }, consents: [...previous.consents], referrals: { ...previous.referrals } };
  const d = e.data as Record<string, any>;
  s.lastUpdated = e.occurredAt;
  if (typeof d.personId === 'string') s.personId = d.personId;
  if (e.type === 'PersonRegistered.v1' || e.type === 'PersonDetailsCorrected.v1') {
    const identity = { ...s.identity };
    if (d.name) identity.name = d.name;
    if (d.dateOfBirth) identity.dateOfBirth = d.dateOfBirth;
    if (d.identifiers) identity.identifiers = { ...identity.identifiers, ...d.identifiers };
    if (Object.keys(identity).length) s.identity = identity;
    if (d.contact) s.contact = { ...s.contact, ...d.contact };
  }
  for (const needs of [d.needs, d.changes]) {
    if (!needs) continue;
    for (const [category, entry] of Object.entries(needs as Record<string, any>)) s.needs[category] = { ...entry, updatedAt: e.occurredAt };
  }
  if (e.type === 'ConsentGiven.v1') s.consents.push({ ...d, status: 'active' });
  if (e.type === 'ConsentWithdrawn.v1' || e.type === 'ConsentExpired.v1') {
    const i = s.consents.findIndex((x) => x.consentId === d.consentId);
    if (i >= 0) {
      const c = { ...s.consents[i] };
      if (e.type === 'ConsentExpired.v1') c.status = 'expired';
      else if (!d.scope) c.status = 'withdrawn';
      else c.partiallyWithdrawn = [...((c.partiallyWithdrawn as unknown[]) ?? []), d.scope];
      s.consents[i] = c;
    }
  }
  const status = REFERRAL_STATUS_AFTER[e.type as ReferralEvent['type']];
  if (status && d.referralId) {
    const prev = s.referrals[d.referralId] ?? {};
    s.referrals[d.referralId] = {
      ...prev,
      status,
      service: d.service ?? prev.service,
      urgency: d.urgency ?? prev.urgency,
      toAgency: d.toAgency ?? prev.toAgency,
      fromAgency: d.fromAgency ?? prev.fromAgency,
      updatedAt: e.occurredAt,
    };
  }
  return s;
}
