import { Urgency } from '../vocabulary';

export interface RaiseReferral extends ReferralDraft {
  type: 'RaiseReferral';
}

/** Prepares a referral that waits for the person's consent. */
export interface PrepareReferral extends ReferralDraft {
  type: 'PrepareReferral';
}

interface ReferralDraft {
  referralId: string;
  personId: string;
  fromAgency: string;
  toAgency: string;
  service: string;
  urgency: Urgency;
  reason: string;
}

/** Raises a prepared referral once the person's consent covers it. */
export interface ReleaseReferral {
  type: 'ReleaseReferral';
}

/** A reply from the receiving agency, or the referrer's withdrawal. */
export interface ReplyToReferral {
  type: 'Acknowledge' | 'Accept' | 'Decline' | 'Start' | 'Complete' | 'Withdraw';
  /** The agency of the caller. */
  byAgency: string;
  reason?: string;
  outcome?: string;
}

export interface EscalateReferral {
  type: 'EscalateReferral';
}

export type ReferralCommand = RaiseReferral | PrepareReferral | ReleaseReferral | ReplyToReferral | EscalateReferral;
