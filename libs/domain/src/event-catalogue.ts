import { AgencyEvent } from './agency/agency.events';
import { AgreementEvent } from './agreement/agreement.events';
import { byNeedCategory, EventSchema, field, plain, recordId, subject } from './event-schema';
import { PersonEvent } from './person/person.events';
import { ReferralEvent } from './referral/referral.events';
import { Purpose } from './vocabulary';

/** Every event the hub records. */
export type HubEvent = AgencyEvent | AgreementEvent | PersonEvent | ReferralEvent;
export type HubEventType = HubEvent['type'];
/** Events about a person: the only ones ever disclosed to agencies. */
export type SubjectEvent = PersonEvent | ReferralEvent;

/** Who recorded an event, for what, and when it happened; stored in plain beside the data. */
export interface EventMetadata {
  /** The agency whose user or system recorded the event (`partnership` for administrators). */
  recordedBy: string;
  /** The user or system (`sub` claim) that recorded it. */
  actor: string;
  /** The purpose it was recorded for; it is disclosed for this purpose. */
  purpose: Purpose;
  /** When it happened (ISO 8601), as given by the hub's clock at the command. */
  occurredAt: string;
  /** The person the event is about, when it is about one. */
  personId?: string;
  /** Agencies the event is addressed to; when set, no other agency receives it. */
  addressedTo?: string[];
  correlationId?: string;
}

const referralRef = {
  referralId: plain('referral'),
  personId: subject,
  fromAgency: plain('referral'),
  toAgency: plain('referral'),
} as const;
const referralDetails = {
  ...referralRef,
  service: plain('referral'),
  urgency: plain('referral'),
  reason: field('referral'),
} as const;

/**
 * The classification of every field of every subject event: the single place the sharing
 * decision, the encryption of personal data and the documentation read. A field missing here
 * is never disclosed (deny by default).
 */
export const SUBJECT_EVENT_SCHEMAS: Readonly<Record<SubjectEvent['type'], EventSchema>> = {
  'PersonRegistered.v1': {
    personId: subject,
    name: field('identity'),
    dateOfBirth: field('identity'),
    identifiers: field('identity'),
    contact: field('contact'),
  },
  'PersonDetailsCorrected.v1': {
    personId: subject,
    name: field('identity'),
    dateOfBirth: field('identity'),
    identifiers: field('identity'),
    contact: field('contact'),
  },
  'ConsentGiven.v1': {
    personId: subject,
    consentId: plain('support-plan'),
    recipients: plain('support-plan'),
    categories: plain('support-plan'),
    purposes: plain('support-plan'),
    method: plain('support-plan'),
    evidenceRef: field('support-plan'),
    validFrom: plain('support-plan'),
    validUntil: plain('support-plan'),
  },
  'ConsentWithdrawn.v1': {
    personId: subject,
    consentId: plain('support-plan'),
    scope: plain('support-plan'),
    withdrawnAt: plain('support-plan'),
  },
  'ConsentExpired.v1': { personId: subject, consentId: plain('support-plan'), expiredAt: plain('support-plan') },
  'NeedsAssessed.v1': { personId: subject, assessmentId: recordId('support-plan'), needs: byNeedCategory },
  'CheckInRecorded.v1': {
    personId: subject,
    checkInId: recordId('support-plan'),
    changes: byNeedCategory,
    note: field('support-plan'),
  },
  'PersonErased.v1': { personId: subject, erasedAt: plain('identity') },
  'BreakGlassOpened.v1': { personId: subject, grantId: plain('safeguarding'), reason: field('safeguarding'), until: plain('safeguarding') },
  'BreakGlassReviewed.v1': { personId: subject, grantId: plain('safeguarding'), outcome: plain('safeguarding'), note: field('safeguarding') },
  'ReferralPrepared.v1': referralDetails,
  'ReferralRaised.v1': {
    ...referralDetails,
    raisedAt: plain('referral'),
    acknowledgeBy: plain('referral'),
    decideBy: plain('referral'),
    startBy: plain('referral'),
  },
  'ReferralAcknowledged.v1': { ...referralRef, at: plain('referral') },
  'ReferralAccepted.v1': { ...referralRef, at: plain('referral') },
  'ReferralDeclined.v1': { ...referralRef, at: plain('referral'), reason: field('referral') },
  'ReferralStarted.v1': { ...referralRef, at: plain('referral') },
  'ReferralCompleted.v1': { ...referralRef, at: plain('referral'), outcome: field('referral') },
  'ReferralWithdrawn.v1': { ...referralRef, at: plain('referral'), reason: field('referral') },
  'ReferralEscalated.v1': {
    ...referralRef,
    at: plain('referral'),
    level: plain('referral'),
    missed: plain('referral'),
    deadline: plain('referral'),
  },
};

export const isSubjectEventType = (type: string): type is SubjectEvent['type'] =>
  Object.prototype.hasOwnProperty.call(SUBJECT_EVENT_SCHEMAS, type);

/** The CloudEvents `type` of a hub event: `ConsentGiven.v1` → `onestop.consent.given.v1`. */
export function cloudEventType(type: string): string {
  const [name, version] = type.split('.');
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  return ['onestop', ...words, version].join('.');
}
