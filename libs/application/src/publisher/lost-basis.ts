import { AgencyProfile, AgreementVersion, Category, ConsentLedger, Purpose } from '@onestop/domain';
import { Ground, groundFor } from '@onestop/policy';
import { DisclosureRow } from './publisher-journal';

/** The categories of a disclosure with the ground each was disclosed under. */
const groundsOf = (row: DisclosureRow): Array<[Category, Ground]> => Object.entries(JSON.parse(row.grounds) as Record<Category, Ground>) as Array<[Category, Ground]>;

export interface RetractionContext {
  agencies: Map<string, AgencyProfile>;
  agreements: readonly AgreementVersion[];
}

/**
 * Which held disclosures lose their basis: a category whose ground matched `affected` and for
 * which no ground exists any more at `at` with the new consents and agreements.
 */
export function lostBasis(
  rows: readonly DisclosureRow[],
  context: RetractionContext,
  consents: ConsentLedger,
  at: string,
  affected: (ground: Ground) => boolean,
): DisclosureRow[] {
  return rows.filter((row) => {
    const agency = context.agencies.get(row.agency_id);
    if (!agency) return false;
    return groundsOf(row).some(([category, ground]) => {
      if (!affected(ground)) return false;
      const now = groundFor(
        { agency: { agencyId: agency.agencyId, kind: agency.kind }, agreements: context.agreements, consents, at, purpose: row.purpose as Purpose },
        category,
      );
      return 'reason' in now;
    });
  });
}
