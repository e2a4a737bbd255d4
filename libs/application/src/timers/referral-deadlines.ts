import { DomainError, EventMetadata, referralDecider } from '@onestop/domain';
import { agencyServices, ConsentReferrals } from '../referrals/consent-referrals';
import { HubRuntime } from '../runtime/hub-runtime';

/** What one run of the referral timer did. */
export interface ReferralTimerRun {
  /** Prepared referrals raised because a consent now covers them. */
  released: number;
  /** Referrals withdrawn because the consent covering them ended. */
  withdrawn: number;
  /** `ReferralEscalated.v1` events appended: one per missed deadline. */
  escalated: number;
}

interface DueRow {
  referral_id: string;
  person_id: string;
  from_agency: string;
  to_agency: string;
}

/**
 * The referral timer, driven by the hub's clock and derived entirely from the store, so nothing
 * is lost by a restart: every pending deadline is a row of `rm_referrals` (`next_due`, indexed),
 * projected from the referral events. Each run
 * 1. raises prepared referrals a consent now covers (the sweep behind the consent request, for a
 *    crash between the consent and the release);
 * 2. withdraws referrals whose consent cover ended (once per ended consent);
 * 3. appends `ReferralEscalated.v1` for every deadline that has passed unescalated.
 * The referral decider refuses a second escalation of the same deadline, and appends use
 * optimistic concurrency, so a restart or two replicas running at once escalate each missed
 * deadline exactly once. `runOnce` is what the interval calls and what tests call with an
 * injected clock.
 */
export class ReferralDeadlineTimer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly consent: ConsentReferrals;
  private readonly batchSize: number;

  constructor(
    private readonly runtime: HubRuntime,
    options: { batchSize?: number } = {},
  ) {
    this.consent = new ConsentReferrals(runtime);
    this.batchSize = options.batchSize ?? 500;
    runtime.db.exec('CREATE TABLE IF NOT EXISTS referral_consent_settled (consent_id TEXT PRIMARY KEY, settled_at TEXT NOT NULL)');
  }

  async runOnce(): Promise<ReferralTimerRun> {
    await this.runtime.projector.catchUp();
    const released = await this.releaseCovered();
    const withdrawn = await this.settleEndedConsents();
    const escalated = await this.escalateDue();
    await this.runtime.projector.catchUp();
    return { released, withdrawn, escalated };
  }

  /** Escalates every deadline now passed and not yet escalated; returns how many. */
  async escalateDue(): Promise<number> {
    const { runtime } = this;
    const select = runtime.db.prepare(
      'SELECT referral_id, person_id, from_agency, to_agency FROM rm_referrals WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY next_due LIMIT ?',
    );
    let total = 0;
    for (;;) {
      const now = runtime.nowIso();
      const due = select.all(now, this.batchSize) as DueRow[];
      let escalated = 0;
      for (const row of due) escalated += await this.escalate(row, now);
      total += escalated;
      await runtime.projector.catchUp();
      if (due.length < this.batchSize || escalated === 0) return total;
    }
  }

  private async escalate(row: DueRow, now: string): Promise<number> {
    const { runtime } = this;
    const metadata: EventMetadata = {
      recordedBy: 'hub',
      actor: 'referral-deadlines',
      purpose: 'referral',
      occurredAt: now,
      personId: row.person_id,
      addressedTo: [row.from_agency, row.to_agency],
    };
    const context = { now, knownAgencies: runtime.directory.agencyIds(), calendar: runtime.calendar, agencyServices: agencyServices(runtime) };
    try {
      const result = await runtime.repository.execute(`referral-${row.referral_id}`, referralDecider, { type: 'EscalateReferral' }, context, metadata);
      return result.events.length;
    } catch (error) {
      if (error instanceof DomainError) return 0;
      throw error;
    }
  }

  /** Raises prepared referrals of people with an active consent, where it now covers them. */
  private async releaseCovered(): Promise<number> {
    const people = this.runtime.db
      .prepare(
        `SELECT DISTINCT r.person_id FROM rm_referrals r WHERE r.status = 'prepared'
           AND EXISTS (SELECT 1 FROM rm_consents c WHERE c.person_id = r.person_id AND c.status = 'active') LIMIT ?`,
      )
      .pluck()
      .all(this.batchSize) as string[];
    let released = 0;
    for (const personId of people) released += (await this.consent.release(personId)).count;
    return released;
  }

  /** Withdraws the referrals each newly ended consent covered; each ended consent is settled once. */
  private async settleEndedConsents(): Promise<number> {
    const { db } = this.runtime;
    const ended = db
      .prepare(
        `SELECT c.consent_id, c.person_id FROM rm_consents c WHERE c.status IN ('withdrawn', 'expired')
           AND NOT EXISTS (SELECT 1 FROM referral_consent_settled s WHERE s.consent_id = c.consent_id) LIMIT ?`,
      )
      .all(this.batchSize) as Array<{ consent_id: string; person_id: string }>;
    let withdrawn = 0;
    for (const c of ended) {
      const position = await this.consent.endingOf(c.person_id, c.consent_id);
      if (position !== undefined) withdrawn += (await this.consent.withdrawUncovered(c.person_id, position)).count;
      db.prepare('INSERT OR IGNORE INTO referral_consent_settled (consent_id, settled_at) VALUES (?, ?)').run(c.consent_id, this.runtime.nowIso());
    }
    return withdrawn;
  }

  /** Runs every `intervalMs` (each run after the previous one finished) until `stop`. */
  start(intervalMs = 1000, onError?: (e: Error) => void): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((e: Error) => onError?.(e))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Stops the interval; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
