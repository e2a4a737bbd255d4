import { Decider } from '../decider';
import { DomainError, ValidationError } from '../hub-error';
import { ReferralStatus } from '../vocabulary';
import { addDeadline, DEFAULT_ACKNOWLEDGE_DEADLINES, WorkingCalendar } from './deadlines';
import { ReferralCommand, ReplyToReferral } from './referral.commands';
import { ReferralDetails, ReferralEvent, ReferralRef } from './referral.events';

export interface ReferralState {
  status?: ReferralStatus;
  details?: ReferralDetails;
  acknowledgeBy?: string;
  escalations: number;
  /** The deadline the latest escalation was for; a missed deadline is escalated once. */
  escalatedDeadline?: string;
}

export interface ReferralContext {
  now: string;
  knownAgencies: ReadonlySet<string>;
  calendar: WorkingCalendar;
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

const STATUS_AFTER: Partial<Record<ReferralEvent['type'], ReferralStatus>> = {
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
  initialState: () => ({ escalations: 0 }),
  evolve(state, event) {
    switch (event.type) {
      case 'ReferralPrepared.v1':
        return { ...state, status: 'prepared', details: event.data };
      case 'ReferralRaised.v1': {
        const { raisedAt: _r, acknowledgeBy, ...details } = event.data;
        return { ...state, status: 'raised', details, acknowledgeBy };
      }
      case 'ReferralEscalated.v1':
        return { ...state, escalations: event.data.level, escalatedDeadline: event.data.deadline };
      default:
        return { ...state, status: STATUS_AFTER[event.type] ?? state.status };
    }
  },
  decide(command, state, context) {
    if (command.type === 'RaiseReferral' || command.type === 'PrepareReferral') {
      if (state.status) throw new DomainError('referral.duplicate', 'referral id already used');
      const { type, ...details } = command;
      const bad: Record<string, string> = {};
      if (!context.knownAgencies.has(details.toAgency)) bad.toAgency = `unknown agency ${details.toAgency}`;
      if (details.toAgency === details.fromAgency) bad.toAgency = 'must be another agency';
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
    if (command.type === 'EscalateReferral') {
      const deadline = state.status === 'raised' ? state.acknowledgeBy : undefined;
      if (!deadline || deadline === state.escalatedDeadline || Date.parse(deadline) > Date.parse(context.now)) {
        throw new DomainError('referral.not-due', 'no deadline of this referral has passed unescalated');
      }
      const data = { ...refOf(details), at: context.now, level: state.escalations + 1, missed: 'acknowledge' as const, deadline };
      return [{ type: 'ReferralEscalated.v1', data }];
    }
    return reply(command, state, details, context.now);
  },
};

function raised(details: ReferralDetails, context: ReferralContext): ReferralEvent {
  const acknowledgeBy = addDeadline(context.now, DEFAULT_ACKNOWLEDGE_DEADLINES[details.urgency], context.calendar);
  return { type: 'ReferralRaised.v1', data: { ...details, raisedAt: context.now, acknowledgeBy } };
}
