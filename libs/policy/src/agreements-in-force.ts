import { AgreementVersion } from '@onestop/domain';

/** The last answer for a list of versions, and the span of time over which it holds. */
interface InForce {
  length: number;
  from: number;
  until: number;
  versions: readonly AgreementVersion[];
}

const answered = new WeakMap<readonly AgreementVersion[], InForce>();

/**
 * The version of each agreement in force at `at`: the latest whose `effectiveFrom` has come,
 * dropped entirely once `at` is past its review date (a lapsed agreement grants nothing).
 * Sorted by agreement id so the decision's search order is stable.
 *
 * The answer only changes at an instant where a version takes effect or an agreement lapses, so
 * the last one is kept for the list (published versions are only ever added to it) with the span
 * between the nearest such instants around `at`, and is given again, frozen, for any time inside it:
 * the publisher and the history reader ask once per event.
 */
export function agreementsInForce(all: readonly AgreementVersion[], at: string): readonly AgreementVersion[] {
  const t = Date.parse(at);
  const last = answered.get(all);
  if (last && last.length === all.length && last.from <= t && t < last.until) return last.versions;
  const versions = Object.freeze(inForceAt(all, t));
  let from = -Infinity;
  let until = Infinity;
  for (const v of all) {
    for (const edge of [Date.parse(v.effectiveFrom), endOfReviewDay(v.reviewDate)]) {
      if (edge <= t) from = Math.max(from, edge);
      else until = Math.min(until, edge); // an unparseable date (NaN) leaves no span: nothing kept
    }
  }
  answered.set(all, { length: all.length, from, until, versions });
  return versions;
}

function inForceAt(all: readonly AgreementVersion[], t: number): AgreementVersion[] {
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
