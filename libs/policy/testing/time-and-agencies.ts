import { PURPOSES } from '@onestop/domain';
import fc from 'fast-check';
import type { AgencyFacts } from '../src/policy.types';

/**
 * A small partnership and a five-day window, so that generated agreements, consents and
 * decision times meet often (and on their boundaries: midnight, just before midnight).
 */
export const AGENCIES: readonly AgencyFacts[] = [
  { agencyId: 'police', kind: 'police' },
  { agencyId: 'housing', kind: 'housing' },
  { agencyId: 'sms', kind: 'substance-misuse' },
  { agencyId: 'shelter', kind: 'charity' },
  { agencyId: 'wallich', kind: 'charity' },
];
export const AGENCY_IDS = AGENCIES.map((a) => a.agencyId);
/** The kinds of the pool, and one kind no pool agency has. */
export const AGENCY_KINDS_IN_POOL = ['police', 'housing', 'substance-misuse', 'charity', 'probation'];
/** Everything a grant may name: each agency, and `kind:<kind>`. */
export const GRANT_RECIPIENTS = [...AGENCY_IDS, ...AGENCY_KINDS_IN_POOL.map((k) => `kind:${k}`)];

export const WINDOW_DAYS = ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05'];
const TIMES_OF_DAY = ['T00:00:00.000Z', 'T09:30:00.000Z', 'T23:59:59.999Z'];
/** Every instant the generators use, ascending. */
export const INSTANTS = WINDOW_DAYS.flatMap((day) => TIMES_OF_DAY.map((time) => day + time));

export const agencyArb = fc.constantFrom(...AGENCIES);
export const instantArb = fc.constantFrom(...INSTANTS);
export const purposeArb = fc.constantFrom(...PURPOSES);

/** The calendar day `days` after the day of `iso`, `YYYY-MM-DD`. */
export function dayAfter(iso: string, days: number): string {
  const day = new Date(iso.slice(0, 10) + 'T00:00:00.000Z');
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}
