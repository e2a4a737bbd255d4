import { ReferralStatus, Urgency } from '../vocabulary';
import { addDeadline, DEFAULT_ACKNOWLEDGE_DEADLINES, DeadlineRule, START_DEADLINE, WorkingCalendar } from './deadlines';

/** The three deadlines of a referral, each counted from the moment it is raised. */
export const DEADLINE_KINDS = ['acknowledge', 'decide', 'start'] as const;
/** `acknowledge`: the receiver acknowledges; `decide`: it accepts or declines; `start`: treatment or support starts. */
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** A service's own deadlines: any rule given replaces the partnership default for that kind and urgency. */
export type ServiceDeadlines = Partial<Record<DeadlineKind, Partial<Record<Urgency, DeadlineRule>>>>;

/**
 * The partnership's default service levels. Acknowledge: immediate 15 minutes, same-day 4 hours,
 * routine 2 working days. Decide (accept or decline): immediate 1 hour, same-day 8 hours,
 * routine 5 working days. Start: 20 working days whatever the urgency (the Welsh national
 * measure of referral to treatment).
 */
export const DEFAULT_SERVICE_LEVELS: Readonly<Record<DeadlineKind, Readonly<Record<Urgency, DeadlineRule>>>> = {
  acknowledge: DEFAULT_ACKNOWLEDGE_DEADLINES,
  decide: { immediate: { minutes: 60 }, 'same-day': { minutes: 480 }, routine: { workingDays: 5 } },
  start: { immediate: START_DEADLINE, 'same-day': START_DEADLINE, routine: START_DEADLINE },
};

/** When each deadline of a referral falls (ISO 8601); a kind is absent when none was set. */
export type ReferralDeadlines = Partial<Record<DeadlineKind, string>>;

/** The deadline rules for a referral of this urgency to a service (its overrides, else the defaults). */
export function serviceLevelsFor(urgency: Urgency, overrides?: ServiceDeadlines): Record<DeadlineKind, DeadlineRule> {
  const rule = (kind: DeadlineKind) => overrides?.[kind]?.[urgency] ?? DEFAULT_SERVICE_LEVELS[kind][urgency];
  return { acknowledge: rule('acknowledge'), decide: rule('decide'), start: rule('start') };
}

/** The deadlines of a referral raised at `raisedAt`. */
export function deadlinesFrom(raisedAt: string, urgency: Urgency, calendar: WorkingCalendar, overrides?: ServiceDeadlines): Required<ReferralDeadlines> {
  const rules = serviceLevelsFor(urgency, overrides);
  return {
    acknowledge: addDeadline(raisedAt, rules.acknowledge, calendar),
    decide: addDeadline(raisedAt, rules.decide, calendar),
    start: addDeadline(raisedAt, rules.start, calendar),
  };
}

/** The statuses in which each deadline is still to be met. */
const PENDING_IN: Readonly<Record<DeadlineKind, readonly ReferralStatus[]>> = {
  acknowledge: ['raised'],
  decide: ['raised', 'acknowledged'],
  start: ['raised', 'acknowledged', 'accepted'],
};

/** A deadline still to be met. */
export interface PendingDeadline {
  kind: DeadlineKind;
  deadline: string;
}

/**
 * The deadlines a referral in `status` still has to meet, soonest first. A prepared referral has
 * none (its clock starts when it is raised); a declined, completed or withdrawn one has none left.
 */
export function pendingDeadlines(status: ReferralStatus | undefined, deadlines: ReferralDeadlines): PendingDeadline[] {
  if (!status) return [];
  return DEADLINE_KINDS.filter((kind) => deadlines[kind] !== undefined && PENDING_IN[kind].includes(status))
    .map((kind) => ({ kind, deadline: deadlines[kind]! }))
    .sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
}

/** Red/amber/green for a deadline; `none` when nothing is pending. */
export type RagStatus = 'red' | 'amber' | 'green' | 'none';

/**
 * The colour of a deadline from the share of its allowed time still left at `now`: red once
 * passed or with under a quarter left, amber with under half left, green otherwise.
 */
export function ragStatus(raisedAt: string, deadline: string, now: string): RagStatus {
  const allowed = Date.parse(deadline) - Date.parse(raisedAt);
  const left = Date.parse(deadline) - Date.parse(now);
  if (left <= 0 || left < allowed * 0.25) return 'red';
  if (left < allowed * 0.5) return 'amber';
  return 'green';
}

/** The most urgent of several colours (red before amber before green). */
export function worstRag(colours: readonly RagStatus[]): RagStatus {
  return (['red', 'amber', 'green'] as const).find((c) => colours.includes(c)) ?? 'none';
}
