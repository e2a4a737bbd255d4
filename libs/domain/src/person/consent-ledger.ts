import { Category, Purpose } from '../vocabulary';
import { ConsentRecipients, ConsentScope, PersonEvent } from './person.events';

/** A consent as it stands after its events: its current scope and whether it is still live. */
export interface ConsentRecord {
  consentId: string;
  scope: ConsentScope;
  validFrom: string;
  validUntil?: string;
  status: 'active' | 'withdrawn' | 'expired';
  method: string;
  /** When it stopped being active, if it has. */
  endedAt?: string;
}

export type ConsentLedger = ReadonlyMap<string, ConsentRecord>;

const without = <T>(list: readonly T[], removed: readonly T[] | undefined): T[] =>
  removed ? list.filter((x) => !removed.includes(x)) : [...list];

function narrowRecipients(r: ConsentRecipients, removed?: Partial<ConsentRecipients>): ConsentRecipients {
  return { agencies: without(r.agencies, removed?.agencies), kinds: without(r.kinds, removed?.kinds) };
}

/** Removes a partial withdrawal from a scope; `undefined` when nothing is left of it. */
export function narrowScope(scope: ConsentScope, removed: Partial<ConsentScope>): ConsentScope | undefined {
  const next: ConsentScope = {
    recipients: narrowRecipients(scope.recipients, removed.recipients),
    categories: without(scope.categories, removed.categories),
    purposes: without(scope.purposes, removed.purposes),
  };
  const noRecipients = next.recipients.agencies.length === 0 && next.recipients.kinds.length === 0;
  return noRecipients || next.categories.length === 0 || next.purposes.length === 0 ? undefined : next;
}

/** The event types `evolveConsents` folds; every other event leaves the ledger as it was. */
export const CONSENT_EVENT_TYPES: ReadonlySet<string> = new Set(['ConsentGiven.v1', 'ConsentWithdrawn.v1', 'ConsentExpired.v1']);

/** Folds one person event into the consent ledger; events that are not about consent pass. */
export function evolveConsents(ledger: ConsentLedger, event: PersonEvent): ConsentLedger {
  switch (event.type) {
    case 'ConsentGiven.v1': {
      const d = event.data;
      const next = new Map(ledger);
      next.set(d.consentId, {
        consentId: d.consentId,
        scope: { recipients: d.recipients, categories: d.categories, purposes: d.purposes },
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        status: 'active',
        method: d.method,
      });
      return next;
    }
    case 'ConsentWithdrawn.v1': {
      const c = ledger.get(event.data.consentId);
      if (!c || c.status !== 'active') return ledger;
      const narrowed = event.data.scope ? narrowScope(c.scope, event.data.scope) : undefined;
      return new Map(ledger).set(c.consentId, narrowed ? { ...c, scope: narrowed } : { ...c, status: 'withdrawn', endedAt: event.data.withdrawnAt });
    }
    case 'ConsentExpired.v1': {
      const c = ledger.get(event.data.consentId);
      if (!c || c.status !== 'active') return ledger;
      return new Map(ledger).set(c.consentId, { ...c, status: 'expired', endedAt: event.data.expiredAt });
    }
    default:
      return ledger;
  }
}

/** Whether a consent record covers the agency (by id or kind), category and purpose at `at`. */
export function consentCovers(
  consent: ConsentRecord,
  agency: { agencyId: string; kind: string },
  category: Category,
  purpose: Purpose,
  at: string,
): boolean {
  if (consent.status !== 'active') return false;
  const t = Date.parse(at);
  if (Date.parse(consent.validFrom) > t) return false;
  if (consent.validUntil !== undefined && Date.parse(consent.validUntil) <= t) return false;
  const r = consent.scope.recipients;
  return (
    (r.agencies.includes(agency.agencyId) || r.kinds.includes(agency.kind)) &&
    consent.scope.categories.includes(category) &&
    consent.scope.purposes.includes(purpose)
  );
}
