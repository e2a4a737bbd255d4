import { AgreementVersion } from '@onestop/domain';

/**
 * The version of each agreement in force at `at`: the latest whose `effectiveFrom` has come,
 * dropped entirely once `at` is past its review date (a lapsed agreement grants nothing).
 * Sorted by agreement id so the decision's search order is stable.
 */
export function agreementsInForce(all: readonly AgreementVersion[], at: string): AgreementVersion[] {
  const t = Date.parse(at);
  const latest = new Map<string, AgreementVersion>();
  for (const v of all) {
    if (Date.parse(v.effectiveFrom) > t) continue;
    const seen = latest.get(v.agreementId);
    if (!seen || v.version > seen.version) latest.set(v.agreementId, v);
  }
  return [...latest.values()]
    .filter((v) => t < endOfReviewDay(v.reviewDate))
    .sort((a, b) => (a.agreementId < b.agreementId ? -1 : a.agreementId > b.agreementId ? 1 : 0));
}

/** A review date is a calendar date: the version still grants throughout that day (UTC). */
export function endOfReviewDay(reviewDate: string): number {
  const day = Date.parse(reviewDate.slice(0, 10));
  return day + 24 * 60 * 60 * 1000;
}
