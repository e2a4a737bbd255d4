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

const REFERRAL_STATUS: Record<string, string> = {
  'ReferralPrepared.v1': 'prepared',
  'ReferralRaised.v1': 'raised',
  'ReferralAcknowledged.v1': 'acknowledged',
  'ReferralAccepted.v1': 'accepted',
  'ReferralDeclined.v1': 'declined',
  'ReferralStarted.v1': 'started',
  'ReferralCompleted.v1': 'completed',
  'ReferralWithdrawn.v1': 'withdrawn',
};

/** An empty summary for a pseudonym. */
export const emptySummary = (pseudonym: string, revision = -1): PersonSummary => ({ pseudonym, needs: {}, consents: [], referrals: {}, revision });

/** Folds a filtered history into a summary; fields the viewer may not see never appear. */
export function summarise(pseudonym: string, history: readonly VisibleEvent[], revision: number): PersonSummary {
  return history.reduce(applyToSummary, emptySummary(pseudonym, revision));
}

/** Adds one visible event to a summary (returns a new summary). */
export function applyToSummary(previous: PersonSummary, e: Pick<VisibleEvent, 'type' | 'data' | 'occurredAt'>): PersonSummary {
  const s: PersonSummary = structuredClone(previous);
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
    const c = s.consents.find((x) => x.consentId === d.consentId);
    if (c) {
      if (e.type === 'ConsentExpired.v1') c.status = 'expired';
      else if (!d.scope) c.status = 'withdrawn';
      else c.partiallyWithdrawn = [...((c.partiallyWithdrawn as unknown[]) ?? []), d.scope];
    }
  }
  const status = REFERRAL_STATUS[e.type];
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
