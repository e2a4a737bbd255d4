import type { Database, Statement } from 'better-sqlite3';
import { DEADLINE_KINDS, DeadlineKind, pendingDeadlines, ReferralEvent, ReferralStatus } from '@onestop/domain';
import { OpenedEvent } from '../event-repository';

/** The status each referral event leaves, and the column stamping when it happened. */
const STEP: Partial<Record<ReferralEvent['type'], { status: ReferralStatus; stamp?: string }>> = {
  'ReferralAcknowledged.v1': { status: 'acknowledged', stamp: 'acknowledged_at' },
  'ReferralAccepted.v1': { status: 'accepted', stamp: 'accepted_at' },
  'ReferralDeclined.v1': { status: 'declined', stamp: 'declined_at' },
  'ReferralStarted.v1': { status: 'started', stamp: 'started_at' },
  'ReferralCompleted.v1': { status: 'completed', stamp: 'completed_at' },
  'ReferralWithdrawn.v1': { status: 'withdrawn', stamp: 'withdrawn_at' },
};

interface DeadlineRow {
  status: ReferralStatus;
  acknowledge_by: string | null;
  decide_by: string | null;
  start_by: string | null;
  escalated: string;
}

/**
 * Keeps `rm_referrals` from the referral events: the row, its deadlines, the moment of each
 * step, and after every event the soonest pending deadline (`next_deadline`) and the soonest
 * pending one not yet escalated (`next_due`). Runs inside the projector's transaction.
 */
export class ReferralProjection {
  private readonly upsert: Statement;
  private readonly escalate: Statement;
  private readonly row: Statement;
  private readonly schedule: Statement;
  private readonly steps = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO rm_referrals (referral_id, person_id, from_agency, to_agency, service, urgency, status, created_at, raised_at,
         acknowledge_by, decide_by, start_by, updated_at, revision)
       VALUES (@referralId, @personId, @fromAgency, @toAgency, @service, @urgency, @status, @at, @raisedAt,
         @acknowledgeBy, @decideBy, @startBy, @at, @revision)
       ON CONFLICT(referral_id) DO UPDATE SET status = @status, raised_at = @raisedAt, acknowledge_by = @acknowledgeBy,
         decide_by = @decideBy, start_by = @startBy, updated_at = @at, revision = @revision`,
    );
    this.escalate = db.prepare(
      `UPDATE rm_referrals SET escalations = @level, escalated = CASE WHEN escalated = '' THEN @missed ELSE escalated || ',' || @missed END,
         updated_at = @at, revision = @revision WHERE referral_id = @referralId`,
    );
    this.row = db.prepare('SELECT status, acknowledge_by, decide_by, start_by, escalated FROM rm_referrals WHERE referral_id = ?');
    this.schedule = db.prepare('UPDATE rm_referrals SET next_deadline = ?, next_due = ? WHERE referral_id = ?');
  }

  apply(e: OpenedEvent<ReferralEvent>): void {
    const d = e.data as unknown as Record<string, string | number | undefined>;
    const at = typeof d.at === 'string' ? d.at : e.metadata.occurredAt;
    const referralId = String(d.referralId);
    if (e.type === 'ReferralPrepared.v1' || e.type === 'ReferralRaised.v1') {
      this.upsert.run({
        referralId,
        personId: d.personId,
        fromAgency: d.fromAgency,
        toAgency: d.toAgency,
        service: d.service,
        urgency: d.urgency,
        status: e.type === 'ReferralRaised.v1' ? 'raised' : 'prepared',
        at: e.metadata.occurredAt,
        raisedAt: d.raisedAt ?? null,
        acknowledgeBy: d.acknowledgeBy ?? null,
        decideBy: d.decideBy ?? null,
        startBy: d.startBy ?? null,
        revision: e.revision,
      });
    } else if (e.type === 'ReferralEscalated.v1') {
      this.escalate.run({ level: Number(d.level), missed: String(d.missed), at, revision: e.revision, referralId });
    } else {
      const step = STEP[e.type];
      if (!step) return;
      this.stepStatement(step.stamp).run({ status: step.status, at, revision: e.revision, referralId });
    }
    this.reschedule(referralId);
  }

  private stepStatement(stamp: string | undefined): Statement {
    const key = stamp ?? '';
    let statement = this.steps.get(key);
    if (!statement) {
      const extra = stamp ? `, ${stamp} = @at` : '';
      statement = this.db.prepare(`UPDATE rm_referrals SET status = @status, updated_at = @at, revision = @revision${extra} WHERE referral_id = @referralId`);
      this.steps.set(key, statement);
    }
    return statement;
  }

  private reschedule(referralId: string): void {
    const row = this.row.get(referralId) as DeadlineRow | undefined;
    if (!row) return;
    const pending = pendingDeadlines(row.status, deadlinesOf(row));
    const escalated = new Set(row.escalated.split(',').filter(Boolean));
    const due = pending.find((p) => !escalated.has(p.kind));
    this.schedule.run(pending[0]?.deadline ?? null, due?.deadline ?? null, referralId);
  }
}

/** The deadlines recorded in a `rm_referrals` row. */
export function deadlinesOf(row: Pick<DeadlineRow, 'acknowledge_by' | 'decide_by' | 'start_by'>): Partial<Record<DeadlineKind, string>> {
  const values: Record<DeadlineKind, string | null> = { acknowledge: row.acknowledge_by, decide: row.decide_by, start: row.start_by };
  return Object.fromEntries(DEADLINE_KINDS.filter((k) => values[k]).map((k) => [k, values[k]!]));
}
