import type { Database } from 'better-sqlite3';
import { PersonEvent, ReferralEvent } from '@onestop/domain';
import { EventRepository, OpenedEvent } from '../event-repository';
import { BlindIndex } from './blind-index';
import { createReadModelTables } from './read-model-tables';

const CHECKPOINT = 'read-models';
const REFERRAL_STATUS: Partial<Record<ReferralEvent['type'], string>> = {
  'ReferralPrepared.v1': 'prepared',
  'ReferralRaised.v1': 'raised',
  'ReferralAcknowledged.v1': 'acknowledged',
  'ReferralAccepted.v1': 'accepted',
  'ReferralDeclined.v1': 'declined',
  'ReferralStarted.v1': 'started',
  'ReferralCompleted.v1': 'completed',
  'ReferralWithdrawn.v1': 'withdrawn',
};

/**
 * Keeps the query tables (people lookup, referrals) up to date from the store. Each page of
 * events and the checkpoint are written in one transaction, so a crash never half-applies.
 */
export class ReadModelProjector {
  private pending?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly repository: EventRepository,
    private readonly index: BlindIndex,
  ) {
    createReadModelTables(db);
  }

  /** Applies everything recorded since the checkpoint; concurrent calls share one pass. */
  catchUp(): Promise<void> {
    this.pending ??= this.run().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private checkpoint(): number | undefined {
    const row = this.db.prepare('SELECT position FROM rm_checkpoints WHERE name = ?').get(CHECKPOINT) as { position: number } | undefined;
    return row?.position;
  }

  private async run(): Promise<void> {
    for (;;) {
      const page = await this.repository.store.readAll({ after: this.checkpoint(), maxCount: 500 });
      if (page.length === 0) return;
      const opened = page.map((e) => this.repository.open(e));
      this.db.transaction(() => {
        opened.forEach((e) => this.apply(e));
        this.db
          .prepare('INSERT INTO rm_checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position')
          .run(CHECKPOINT, page[page.length - 1].position);
      })();
      if (page.length < 500) return;
    }
  }

  private apply(event: OpenedEvent): void {
    const e = event as unknown as OpenedEvent<PersonEvent | ReferralEvent>;
    if (e.type === 'PersonRegistered.v1' || e.type === 'PersonDetailsCorrected.v1') return this.applyPerson(e as OpenedEvent<PersonEvent>);
    if (e.type.startsWith('Referral')) return this.applyReferral(e as OpenedEvent<ReferralEvent>);
    if (e.type.startsWith('Consent')) this.applyConsent(e as OpenedEvent<PersonEvent>);
  }

  private applyConsent(e: OpenedEvent<PersonEvent>): void {
    const d = e.data as { personId: string; consentId: string; validUntil?: string; scope?: unknown };
    if (e.type === 'ConsentGiven.v1') {
      this.db
        .prepare("INSERT OR IGNORE INTO rm_consents (consent_id, person_id, valid_until, status) VALUES (?, ?, ?, 'active')")
        .run(d.consentId, d.personId, d.validUntil ?? null);
      return;
    }
    if (e.type === 'ConsentWithdrawn.v1' && d.scope) return;
    const status = e.type === 'ConsentExpired.v1' ? 'expired' : 'withdrawn';
    this.db.prepare("UPDATE rm_consents SET status = ? WHERE consent_id = ? AND status = 'active'").run(status, d.consentId);
  }

  private applyPerson(e: OpenedEvent<PersonEvent>): void {
    if (e.type === 'PersonRegistered.v1') {
      const d = e.data as { personId: string; name?: string; dateOfBirth?: string };
      this.db
        .prepare('INSERT OR IGNORE INTO rm_people (person_id, name_index, dob_index, registered_by, registered_at) VALUES (?, ?, ?, ?, ?)')
        .run(d.personId, d.name ? this.index.name(d.name) : null, d.dateOfBirth ? this.index.dateOfBirth(d.dateOfBirth) : null, e.metadata.recordedBy, e.metadata.occurredAt);
      return;
    }
    const d = e.data as { personId: string; name?: string; dateOfBirth?: string };
    if (d.name) this.db.prepare('UPDATE rm_people SET name_index = ? WHERE person_id = ?').run(this.index.name(d.name), d.personId);
    if (d.dateOfBirth) this.db.prepare('UPDATE rm_people SET dob_index = ? WHERE person_id = ?').run(this.index.dateOfBirth(d.dateOfBirth), d.personId);
  }

  private applyReferral(e: OpenedEvent<ReferralEvent>): void {
    const d = e.data as unknown as Record<string, string>;
    const at = e.metadata.occurredAt;
    if (e.type === 'ReferralPrepared.v1' || e.type === 'ReferralRaised.v1') {
      this.db
        .prepare(
          `INSERT INTO rm_referrals (referral_id, person_id, from_agency, to_agency, service, urgency, status, created_at, raised_at, acknowledge_by, updated_at, revision)
           VALUES (@referralId, @personId, @fromAgency, @toAgency, @service, @urgency, @status, @at, @raisedAt, @acknowledgeBy, @at, @revision)
           ON CONFLICT(referral_id) DO UPDATE SET status = @status, raised_at = @raisedAt, acknowledge_by = @acknowledgeBy, updated_at = @at, revision = @revision`,
        )
        .run({ ...pick(d), status: REFERRAL_STATUS[e.type], at, raisedAt: d.raisedAt ?? null, acknowledgeBy: d.acknowledgeBy ?? null, revision: e.revision });
      return;
    }
    if (e.type === 'ReferralEscalated.v1') {
      this.db.prepare('UPDATE rm_referrals SET escalations = ?, updated_at = ?, revision = ? WHERE referral_id = ?').run(Number(d.level), at, e.revision, d.referralId);
      return;
    }
    const stamp = { 'ReferralAcknowledged.v1': 'acknowledged_at', 'ReferralAccepted.v1': 'accepted_at', 'ReferralStarted.v1': 'started_at' }[e.type as string];
    const extra = stamp ? `, ${stamp} = @at` : '';
    this.db
      .prepare(`UPDATE rm_referrals SET status = @status, updated_at = @at, revision = @revision${extra} WHERE referral_id = @referralId`)
      .run({ status: REFERRAL_STATUS[e.type], at, revision: e.revision, referralId: d.referralId });
  }
}

const pick = (d: Record<string, string>) => ({
  referralId: d.referralId,
  personId: d.personId,
  fromAgency: d.fromAgency,
  toAgency: d.toAgency,
  service: d.service,
  urgency: d.urgency,
});
