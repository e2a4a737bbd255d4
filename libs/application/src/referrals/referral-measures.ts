import type { Database } from 'better-sqlite3';
import { addDeadline, ReferralStatus, START_DEADLINE, Urgency, WorkingCalendar } from '@onestop/domain';

/** The steps whose waiting time is measured from the moment a referral is raised. */
export const MEASURED_STEPS = ['acknowledge', 'accept', 'start'] as const;
export type MeasuredStep = (typeof MEASURED_STEPS)[number];

/** One row of `rm_referrals` as the measures read it. */
export interface MeasuredReferral {
  service: string;
  urgency: string;
  status: ReferralStatus;
  raised_at: string;
  acknowledge_by: string | null;
  decide_by: string | null;
  start_by: string | null;
  acknowledged_at: string | null;
  accepted_at: string | null;
  started_at: string | null;
}

/** Per step: when it was reached, the deadline it is held to, and the statuses still waiting for it. */
export const STEP_COLUMNS: Readonly<Record<MeasuredStep, { reached: keyof MeasuredReferral; deadline: keyof MeasuredReferral; waiting: ReferralStatus[] }>> = {
  acknowledge: { reached: 'acknowledged_at', deadline: 'acknowledge_by', waiting: ['raised'] },
  accept: { reached: 'accepted_at', deadline: 'decide_by', waiting: ['raised', 'acknowledged'] },
  start: { reached: 'started_at', deadline: 'start_by', waiting: ['raised', 'acknowledged', 'accepted'] },
};

/** Which referrals to measure: raised in `[from, to)`, optionally one service, urgency or agency. */
export interface MeasuresQuery {
  from: string;
  to: string;
  service?: string;
  urgency?: Urgency;
  /** Only referrals this agency raised or received. */
  agencyId?: string;
}

/** The waiting time to one step. Seconds are null when no referral reached the step. */
export interface StepMeasure {
  /** Referrals that reached the step. */
  reached: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  /**
   * Of the referrals whose outcome against the deadline is known — those that reached the step,
   * and those still waiting for it after the deadline passed — the share that reached it in time.
   * Null when none is known yet.
   */
  withinDeadline: number | null;
  /** Referrals still waiting for the step after its deadline passed. */
  overdue: number;
}

/** `GET /v1/referrals/measures`: waiting times for a period. */
export interface ReferralMeasures {
  from: string;
  to: string;
  service?: string;
  urgency?: Urgency;
  /** Referrals raised in the period (prepared ones are not yet raised). */
  referrals: number;
  acknowledge: StepMeasure;
  accept: StepMeasure;
  start: StepMeasure;
  /**
   * The Welsh national measure: of the referrals that started treatment, or still wait for it
   * with 20 working days gone, the share that started within 20 working days of the referral.
   */
  startedWithin20WorkingDays: { share: number | null; of: number };
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;
const share = (part: number, of: number): number | null => (of === 0 ? null : Number((part / of).toFixed(4)));

/** The rows of referrals raised in the period (read from `rm_referrals`). */
export function measuredReferrals(db: Database, q: MeasuresQuery): MeasuredReferral[] {
  const where = ['raised_at IS NOT NULL', 'raised_at >= @from', 'raised_at < @to'];
  if (q.service) where.push('service = @service');
  if (q.urgency) where.push('urgency = @urgency');
  if (q.agencyId) where.push('(to_agency = @agencyId OR from_agency = @agencyId)');
  return db
    .prepare(
      `SELECT service, urgency, status, raised_at, acknowledge_by, decide_by, start_by, acknowledged_at, accepted_at, started_at
       FROM rm_referrals WHERE ${where.join(' AND ')}`,
    )
    .all({ from: q.from, to: q.to, service: q.service ?? null, urgency: q.urgency ?? null, agencyId: q.agencyId ?? null }) as MeasuredReferral[];
}

function measureStep(rows: readonly MeasuredReferral[], step: MeasuredStep, now: string): StepMeasure {
  const { reached, deadline, waiting } = STEP_COLUMNS[step];
  const waits: number[] = [];
  let onTime = 0;
  let known = 0;
  let overdue = 0;
  for (const r of rows) {
    const at = r[reached] as string | null;
    const due = r[deadline] as string | null;
    if (at) {
      waits.push(seconds(r.raised_at, at));
      if (due) {
        known += 1;
        if (Date.parse(at) <= Date.parse(due)) onTime += 1;
      }
    } else if (due && waiting.includes(r.status) && Date.parse(due) < Date.parse(now)) {
      overdue += 1;
      known += 1;
    }
  }
  waits.sort((a, b) => a - b);
  return { reached: waits.length, medianSeconds: percentile(waits, 50), p90Seconds: percentile(waits, 90), withinDeadline: share(onTime, known), overdue };
}

/** The waiting-time measures of the referrals raised in the period, as of `now`. */
export function summariseReferrals(db: Database, q: MeasuresQuery, calendar: WorkingCalendar, now: string): ReferralMeasures {
  const rows = measuredReferrals(db, q);
  let startedInTime = 0;
  let startKnown = 0;
  for (const r of rows) {
    const mark = addDeadline(r.raised_at, START_DEADLINE, calendar);
    if (r.started_at) {
      startKnown += 1;
      if (Date.parse(r.started_at) <= Date.parse(mark)) startedInTime += 1;
    } else if (STEP_COLUMNS.start.waiting.includes(r.status) && Date.parse(mark) < Date.parse(now)) {
      startKnown += 1;
    }
  }
  return {
    from: q.from,
    to: q.to,
    ...(q.service ? { service: q.service } : {}),
    ...(q.urgency ? { urgency: q.urgency } : {}),
    referrals: rows.length,
    acknowledge: measureStep(rows, 'acknowledge', now),
    accept: measureStep(rows, 'accept', now),
    start: measureStep(rows, 'start', now),
    startedWithin20WorkingDays: { share: share(startedInTime, startKnown), of: startKnown },
  };
}
