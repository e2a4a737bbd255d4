/**
 * The partnership's vocabulary (PRODUCT.md). These literal lists are the single source for
 * validation at the edge, the sharing decision and the documentation.
 */

/** What a piece of data is about. Every field of every event belongs to exactly one. */
export const CATEGORIES = [
  'identity',
  'contact',
  'accommodation',
  'substance-use',
  'mental-health',
  'physical-health',
  'finances',
  'offending',
  'safeguarding',
  'support-plan',
  'referral',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Special-category data (UK GDPR Art 9). */
export const SPECIAL_CATEGORIES: readonly Category[] = ['substance-use', 'mental-health', 'physical-health'];
/** Criminal-offence data (UK GDPR Art 10). */
export const CRIMINAL_OFFENCE_CATEGORIES: readonly Category[] = ['offending'];

/** Why data is shared. */
export const PURPOSES = ['direct-support', 'referral', 'safeguarding', 'crime-prevention', 'service-planning'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The lawful basis a grant relies on. */
export const LAWFUL_BASES = [
  'consent',
  'public-task',
  'vital-interests',
  'legal-obligation',
  'safeguarding',
  'legitimate-interests',
] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/** Kinds of member organisation; consent may name a kind instead of an agency. */
export const AGENCY_KINDS = [
  'council',
  'housing',
  'police',
  'health',
  'mental-health',
  'substance-misuse',
  'benefits',
  'probation',
  'charity',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const ROLES = ['caseworker', 'dpo', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

export const NEED_LEVELS = ['none', 'low', 'medium', 'high', 'crisis'] as const;
export type NeedLevel = (typeof NEED_LEVELS)[number];

/** Categories a needs assessment or check-in can describe. */
export const NEED_CATEGORIES = [
  'accommodation',
  'substance-use',
  'mental-health',
  'physical-health',
  'finances',
  'offending',
  'safeguarding',
] as const satisfies readonly Category[];
export type NeedCategory = (typeof NEED_CATEGORIES)[number];

export const CONSENT_METHODS = ['verbal', 'written', 'digital'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const URGENCIES = ['immediate', 'same-day', 'routine'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const REFERRAL_STATUSES = [
  'prepared',
  'raised',
  'acknowledged',
  'accepted',
  'declined',
  'started',
  'completed',
  'withdrawn',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** Agency ids are slugs: lower case letters, digits and single hyphens, 2–40 characters. */
export const AGENCY_ID_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/;

export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);
