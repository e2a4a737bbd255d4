import type { Database } from 'better-sqlite3';
import { DEADLINE_KINDS, REFERRAL_STATUSES } from '@onestop/domain';
import { Counter, Gauge, Histogram, Metric } from '../metrics/prometheus';
import { MEASURED_STEPS, STEP_COLUMNS } from './referral-measures';

/** Bucket bounds in seconds: 1, 5, 15 and 30 minutes; 1, 2, 4 and 8 hours; 1, 2, 5, 10, 20 and 30 days. */
export const WAIT_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 432000, 864000, 1728000, 2592000];

const HELP: Record<(typeof MEASURED_STEPS)[number], string> = {
  acknowledge: 'Time from a referral being raised to the receiving agency acknowledging it',
  accept: 'Time from a referral being raised to the receiving agency accepting it',
  start: 'Time from a referral being raised to treatment or support starting',
};

/**
 * The referral measures as Prometheus families, read from `rm_referrals` at scrape time so they
 * survive restarts and agree across replicas: waiting-time histograms per service and urgency,
 * escalations per missed deadline and urgency, and referrals per status. Labels are service ids,
 * urgencies, statuses and deadline kinds only: no person, no referral id.
 */
export function referralMetrics(db: Database, now: string): Metric[] {
  const families: Metric[] = [];
  for (const step of MEASURED_STEPS) {
    const column = STEP_COLUMNS[step].reached;
    const histogram = new Histogram(`onestop_referral_time_to_${step}_seconds`, HELP[step], WAIT_BUCKETS);
    const rows = db
      .prepare(
        `SELECT service, urgency, (julianday(${column}) - julianday(raised_at)) * 86400.0 AS seconds
         FROM rm_referrals WHERE ${column} IS NOT NULL AND raised_at IS NOT NULL`,
      )
      .all() as Array<{ service: string; urgency: string; seconds: number }>;
    for (const r of rows) histogram.observe({ service: r.service, urgency: r.urgency }, Math.max(0, Math.round(r.seconds * 1000) / 1000));
    families.push(histogram);
  }

  const escalations = new Counter('onestop_referral_escalations_total', 'Referral deadlines missed and escalated, by deadline and urgency');
  for (const kind of DEADLINE_KINDS) {
    const rows = db
      .prepare(`SELECT urgency, COUNT(*) AS n FROM rm_referrals WHERE ',' || escalated || ',' LIKE ? GROUP BY urgency`)
      .all(`%,${kind},%`) as Array<{ urgency: string; n: number }>;
    for (const r of rows) escalations.inc({ missed: kind, urgency: r.urgency }, r.n);
  }
  families.push(escalations);

  const byStatus = new Gauge('onestop_referrals', 'Referrals by current status');
  const counts = new Map((db.prepare('SELECT status, COUNT(*) AS n FROM rm_referrals GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
  for (const status of REFERRAL_STATUSES) byStatus.set({ status }, counts.get(status) ?? 0);
  families.push(byStatus);

  const overdue = new Gauge('onestop_referral_deadlines_overdue', 'Referrals whose soonest pending deadline has passed');
  const late = db.prepare('SELECT COUNT(*) FROM rm_referrals WHERE next_deadline IS NOT NULL AND next_deadline < ?').pluck().get(now) as number;
  overdue.set({}, late);
  families.push(overdue);
  return families;
}
