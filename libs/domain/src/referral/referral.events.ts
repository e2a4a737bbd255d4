import { Urgency } from '../vocabulary';
import { DeadlineKind } from './service-levels';

/** What every referral event repeats so that each message stands on its own. */
export interface ReferralRef {
  referralId: string;
  personId: string;
  fromAgency: string;
  toAgency: string;
}

/** The details of a referral as raised. */
export interface ReferralDetails extends ReferralRef {
  service: string;
  urgency: Urgency;
  reason: string;
}

/** A referral was prepared and waits for the person's consent before it is raised. */
export interface ReferralPreparedV1 {
  type: 'ReferralPrepared.v1';
  data: ReferralDetails;
}

/**
 * A referral was raised; the receiving agency must acknowledge it by `acknowledgeBy`, accept or
 * decline it by `decideBy` and start by `startBy` (all counted from `raisedAt` under the
 * service's levels). `decideBy` and `startBy` are optional: referrals raised before they were
 * recorded have only the acknowledgement deadline.
 */
export interface ReferralRaisedV1 {
  type: 'ReferralRaised.v1';
  data: ReferralDetails & { raisedAt: string; acknowledgeBy: string; decideBy?: string; startBy?: string };
}

export interface ReferralAcknowledgedV1 {
  type: 'ReferralAcknowledged.v1';
  data: ReferralRef & { at: string };
}
export interface ReferralAcceptedV1 {
  type: 'ReferralAccepted.v1';
  data: ReferralRef & { at: string };
}
export interface ReferralDeclinedV1 {
  type: 'ReferralDeclined.v1';
  data: ReferralRef & { at: string; reason: string };
}
export interface ReferralStartedV1 {
  type: 'ReferralStarted.v1';
  data: ReferralRef & { at: string };
}
export interface ReferralCompletedV1 {
  type: 'ReferralCompleted.v1';
  data: ReferralRef & { at: string; outcome?: string };
}
export interface ReferralWithdrawnV1 {
  type: 'ReferralWithdrawn.v1';
  data: ReferralRef & { at: string; reason: string };
}

/**
 * A deadline passed without the expected step. Recorded by the hub, once per missed deadline,
 * and addressed to both the referring and the receiving agency; `level` counts the escalations
 * of this referral (1 for the first).
 */
export interface ReferralEscalatedV1 {
  type: 'ReferralEscalated.v1';
  data: ReferralRef & { at: string; level: number; missed: DeadlineKind; deadline: string };
}

export type ReferralEvent =
  | ReferralPreparedV1
  | ReferralRaisedV1
  | ReferralAcknowledgedV1
  | ReferralAcceptedV1
  | ReferralDeclinedV1
  | ReferralStartedV1
  | ReferralCompletedV1
  | ReferralWithdrawnV1
  | ReferralEscalatedV1;
