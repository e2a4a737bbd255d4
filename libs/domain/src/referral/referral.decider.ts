import { AgencyService } from '../agency/agency.events';
import { Decider } from '../decider';
import { DomainError, ValidationError } from '../hub-error';
import { ReferralStatus } from '../vocabulary';
import { WorkingCalendar } from './deadlines';
import { ReferralCommand, ReplyToReferral } from './referral.commands';
import { ReferralDetails, ReferralEvent, ReferralRef } from './referral.events';
import { DeadlineKind, deadlinesFrom, pendingDeadlines, ReferralDeadlines } from './service-levels';

export interface ReferralState {
  status?: ReferralStatus;
  details?: ReferralDetails;
  /** When the referral was raised; its deadlines count from here. */
  raisedAt?: string;
  deadlines: ReferralDeadlines;
  escalations: number;
  /** The deadline each escalation was for, by kind; a missed deadline is escalated once. */
  escalated: Partial<Record<DeadlineKind, string>>;
}

export interface ReferralContext {
  now: string;
  knownAgencies: ReadonlySet<string>;
  calendar: WorkingCalendar;
  /**
   * The services each agency lists. A referral to an agency that lists services must name one
   * of them; an agency listing none takes referrals to any service, under the default levels.
   * Absent: services are not checked and the default levels apply.
   */
  agencyServices?: ReadonlyMap<string, readonly AgencyService[]>;
}

/** Which status a reply needs, what it leads to, and who may send it. */
const REPLIES: Record<
  ReplyToReferral['type'],
  { from: ReferralStatus[]; to: ReferralEvent['type']; by: 'receiver' | 'referrer' }
> = {
  Acknowledge: { from: ['raised'], to: 'ReferralAcknowledged.v1', by: 'receiver' },
  Accept: { from: ['acknowledged'], to: 'ReferralAccepted.v1', by: 'receiver' },
  Decline: { from: ['raised', 'acknowledged'], to: 'ReferralDeclined.v1', by: 'receiver' },
  Start: { from: ['accepted'], to: 'ReferralStarted.v1', by: 'receiver' },
  Complete: { from: ['started'], to: 'ReferralCompleted.v1', by: 'receiver' },
  Withdraw: { from: ['prepared', 'raised', 'acknowledged', 'accepted'], to: 'ReferralWithdrawn.v1', by: 'referrer' },
};

/** The status a referral is in after each event that changes it. */
export const REFERRAL_STATUS_AFTER: Partial<Record<ReferralEvent['type'], ReferralStatus>> = {
  'ReferralPrepared.v1': 'prepared',
  'ReferralRaised.v1': 'raised',
  'ReferralAcknowledged.v1': 'acknowledged',
  'ReferralAccepted.v1': 'accepted',
  'ReferralDeclined.v1': 'declined',
  'ReferralStarted.v1': 'started',
  'ReferralCompleted.v1': 'completed',
  'ReferralWithdrawn.v1': 'withdrawn',
};

const refOf = (d: ReferralDetails): ReferralRef => ({
  referralId: d.referralId,
  personId: d.personId,
  fromAgency: d.fromAgency,
  toAgency: d.toAgency,
});

function reply(command: ReplyToReferral, state: ReferralState, details: ReferralDetails, now: string): ReferralEvent[] {
  const rule = REPLIES[command.type];
  const allowed = rule.by === 'receiver' ? details.toAgency : details.fromAgency;
  if (command.byAgency !== allowed) {
    throw new DomainError('referral.wrong-agency', `only the ${rule.by === 'receiver' ? 'receiving' : 'referring'} agency may do this`);
  }
  if (!state.status || !rule.from.includes(state.status)) {
    throw new DomainError('referral.invalid-transition', `cannot ${command.type.toLowerCase()} a referral that is ${state.status}`, {
      status: state.status,
    });
  }
  const needsReason = command.type === 'Decline' || command.type === 'Withdraw';
  if (needsReason && !command.reason) throw new ValidationError({ reason: 'a reason is required' });
  const base = { ...refOf(details), at: now };
  const withOutcome = command.type === 'Complete' && command.outcome;
  const data = needsReason ? { ...base, reason: command.reason } : withOutcome ? { ...base, outcome: command.outcome } : base;
  return [{ type: rule.to, data } as ReferralEvent];
}

/** The referral aggregate (stream `referral-<uuid>`): raised → acknowledged → accepted | declined → started → completed, or withdrawn. */
export const referralDecider: Decider<ReferralCommand, ReferralEvent, ReferralState, ReferralContext> = {
  initialState: () => ({ deadlines: {}, escalations: 0, escalated: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'ReferralPrepared.v1':
        return { ...state, status: 'prepared', details: event.data };
      case 'ReferralRaised.v1': {
        const { raisedAt, acknowledgeBy, decideBy, startBy, ...details } = event.data;
        const deadlines: ReferralDeadlines = { acknowledge: acknowledgeBy, ...(decideBy ? { decide: decideBy } : {}), ...(startBy ? { start: startBy } : {}) };
        return { ...state, status: 'raised', details, raisedAt, deadlines };
      }
      case 'ReferralEscalated.v1':
        return { ...state, escalations: event.data.level, escalated: { ...state.escalated, [event.data.missed]: event.data.deadline } };
      default:
        return { ...state, status: REFERRAL_STATUS_AFTER[event.type] ?? state.status };
    }
  },
  decide(command, state, context) {
    if (command.type === 'RaiseReferral' || command.type === 'PrepareReferral') {
      if (state.status) throw new DomainError('referral.duplicate', 'referral id already used');
      const { type, ...details } = command;
      const bad: Record<string, string> = {};
      if (!context.knownAgencies.has(details.toAgency)) bad.toAgency = `unknown agency ${details.toAgency}`;
      if (details.toAgency === details.fromAgency) bad.toAgency = 'must be another agency';
      const listed = context.agencyServices?.get(details.toAgency) ?? [];
      if (!bad.toAgency && listed.length > 0 && !listed.some((s) => s.id === details.service)) {
        bad.service = `${details.toAgency} offers ${listed.map((s) => s.id).join(', ')}`;
      }
      if (Object.keys(bad).length > 0) throw new ValidationError(bad);
      if (type === 'PrepareReferral') return [{ type: 'ReferralPrepared.v1', data: details }];
      return [raised(details, context)];
    }
    const details = state.details;
    if (!details) throw new DomainError('referral.not-found', 'no such referral');
    if (command.type === 'ReleaseReferral') {
      if (state.status !== 'prepared') throw new DomainError('referral.invalid-transition', `referral is ${state.status}, not prepared`);
      return [raised(details, context)];
    }
    if (command.type === 'EscalateReferral') return escalate(state, details, context.now);
    return reply(command, state, details, context.now);
  },
};

/** Raised now, with the deadlines of the receiving agency's service (or the defaults). */
function raised(details: ReferralDetails, context: ReferralContext): ReferralEvent {
  const service = context.agencyServices?.get(details.toAgency)?.find((s) => s.id === details.service);
  const due = deadlinesFrom(context.now, details.urgency, context.calendar, service?.deadlines);
  return { type: 'ReferralRaised.v1', data: { ...details, raisedAt: context.now, acknowledgeBy: due.acknowledge, decideBy: due.decide, startBy: due.start } };
}

/**
 * One `ReferralEscalated.v1` for each pending deadline that has passed and was not escalated
 * yet, soonest first, so however often (and from however many processes) the check runs, each
 * missed deadline is escalated exactly once.
 */
function escalate(state: ReferralState, details: ReferralDetails, now: string): ReferralEvent[] {
  const missed = pendingDeadlines(state.status, state.deadlines).filter(
    (d) => state.escalated[d.kind] !== d.deadline && Date.parse(d.deadline) <= Date.parse(now),
  );
  if (missed.length === 0) throw new DomainError('referral.not-due', 'no deadline of this referral has passed unescalated');
  return missed.map((d, i) => ({
    type: 'ReferralEscalated.v1',
    data: { ...refOf(details), at: now, level: state.escalations + i + 1, missed: d.kind, deadline: d.deadline },
  }));
}
