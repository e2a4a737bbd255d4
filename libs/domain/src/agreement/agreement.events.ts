import { AgencyKind, Category, LawfulBasis, Purpose } from '../vocabulary';

/**
 * One grant of an information-sharing agreement: the recipient may receive the categories
 * for the purposes under the basis. `consentRequired` makes consent a condition even when the
 * basis is not `consent`. A grant is numbered from 1 in the order published.
 */
export interface Grant {
  /** An agency id, or `kind:<agency kind>` for every agency of that kind. */
  recipient: string;
  categories: Category[];
  purposes: Purpose[];
  basis: LawfulBasis;
  consentRequired: boolean;
  /** How long the recipient may keep what it receives, in days. */
  retentionDays: number;
}

/** An information-sharing agreement version as executable data. */
export interface AgreementVersion {
  agreementId: string;
  version: number;
  title: string;
  /** Agency ids or `kind:<kind>` entries that signed the agreement. */
  parties: string[];
  grants: Grant[];
  /** From when this version replaces the previous one (ISO 8601). */
  effectiveFrom: string;
  /** After this date (ISO 8601 date) the version grants nothing until reviewed. */
  reviewDate: string;
}

/** A new version of an agreement was published (stream `agreement-<id>`); never edited. */
export interface AgreementVersionPublishedV1 {
  type: 'AgreementVersionPublished.v1';
  data: AgreementVersion;
}

export type AgreementEvent = AgreementVersionPublishedV1;

export const kindRecipient = (kind: AgencyKind): string => `kind:${kind}`;
