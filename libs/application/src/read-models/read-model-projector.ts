import type { Database, Statement } from 'better-sqlite3';
import { PersonEvent, ReferralEvent } from '@onestop/domain';
import { writeGateOf } from '@onestop/event-store';
import { EventRepository, OpenedEvent } from '../event-repository';
import { BlindIndex } from './blind-index';
import { createReadModelTables } from './read-model-tables';
import { ReferralProjection } from './referral-projection';

const CHECKPOINT = 'read-models';
/** The only events whose sealed fields the tables need (the blind indexes of name and birth date). */
const NEEDS_OPENING = new Set(['PersonRegistered.v1', 'PersonDetailsCorrected.v1']);

/**
 * Keeps the query tables (people lookup, referrals) up to date from the store. Each page of
 * events and the checkpoint are written in one transaction, so a crash never half-applies.
 */
export class ReadModelProjector {
  private pending?: Promise<void>;
  /** Whether the pending pass has begun reading (a caller arriving before that is in it). */
  private started = false;
  private again?: Promise<void>;
  private readonly statements = new Map<string, Statement>();
  private readonly referrals: ReferralProjection;

  constructor(
    private readonly db: Database,
    private readonly repository: EventRepository,
    private readonly index: BlindIndex,
  ) {
    createReadModelTables(db);
    this.referrals = new ReferralProjection(db);
  }

  /**
   * Applies everything recorded since the checkpoint. A pass begins on the next turn of the event
   * loop, so the commands that finish in one turn share one pass (one transaction, one fsync)
   * instead of one each; a caller arriving before it begins is in it. A call made while a pass
   * runs waits for one more pass after it (shared by every such caller), so what the caller
   * appended before calling is always applied when its promise resolves.
   */
  catchUp(): Promise<void> {
    if (this.pending && !this.started) return this.pending;
    if (!this.pending) {
      this.started = false;
      this.pending = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => {
          this.started = true;
          return this.run();
        })
        .finally(() => (this.pending = undefined));
      return this.pending;
    }
    this.again ??= this.pending
      .catch(() => undefined)
      .then(() => {
        this.again = undefined;
        return this.catchUp();
      });
    return this.again;
  }

  /** A prepared statement, prepared once per projector. */
  private statement(sql: string): Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  private checkpoint(): number | undefined {
    const row = this.statement('SELECT position FROM rm_checkpoints WHERE name = ?').get(CHECKPOINT) as { position: number } | undefined;
    return row?.position;
  }

  private async run(): Promise<void> {
    for (;;) {
      const after = this.checkpoint();
      const page = await this.repository.store.readAll({ after, maxCount: 500 });
      if (page.length === 0) return;
      const opened = page.map((e) => (NEEDS_OPENING.has(e.type) ? this.repository.open(e) : this.repository.withSealedFields(e)));
      const applied = await writeGateOf(this.db).run(() => withoutFsync(this.db, () =>
        this.db
          .transaction(() => {
            // Another process (or runtime) sharing this file applied from here meanwhile: read again.
            if (this.checkpoint() !== after) return false;
            opened.forEach((e) => this.apply(e));
            this.statement('INSERT INTO rm_checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position')
              .run(CHECKPOINT, page[page.length - 1].position);
            return true;
          })
          .immediate(), // the write lock first, so a write by another process meanwhile waits instead of failing
      ));
      if (applied && page.length < 500) return;
    }
  }

  private apply(event: OpenedEvent): void {
    const e = event as unknown as OpenedEvent<PersonEvent | ReferralEvent>;
    if (e.type === 'PersonRegistered.v1' || e.type === 'PersonDetailsCorrected.v1') return this.applyPerson(e as OpenedEvent<PersonEvent>);
    if (e.type === 'PersonErased.v1') {
      const personId = (e.data as { personId: string }).personId;
      this.db.prepare('UPDATE rm_people SET erased_at = ?, name_index = NULL, dob_index = NULL WHERE person_id = ?').run(e.metadata.occurredAt, personId);
      return;
    }
    if (e.type.startsWith('Referral')) return this.applyReferral(e as OpenedEvent<ReferralEvent>);
    if (e.type.startsWith('Consent')) this.applyConsent(e as OpenedEvent<PersonEvent>);
  }

  private applyConsent(e: OpenedEvent<PersonEvent>): void {
    const d = e.data as { personId: string; consentId: string; validUntil?: string; scope?: unknown };
    if (e.type === 'ConsentGiven.v1') {
      this.statement("INSERT OR IGNORE INTO rm_consents (consent_id, person_id, valid_until, status) VALUES (?, ?, ?, 'active')")
        .run(d.consentId, d.personId, d.validUntil ?? null);
      return;
    }
    if (e.type === 'ConsentWithdrawn.v1' && d.scope) return;
    const status = e.type === 'ConsentExpired.v1' ? 'expired' : 'withdrawn';
    this.statement("UPDATE rm_consents SET status = ? WHERE consent_id = ? AND status = 'active'").run(status, d.consentId);
  }

  private applyPerson(e: OpenedEvent<PersonEvent>): void {
    if (e.type === 'PersonRegistered.v1') {
      const d = e.data as { personId: string; name?: string; dateOfBirth?: string };
      this.statement('INSERT OR IGNORE INTO rm_people (person_id, name_index, dob_index, registered_by, registered_at) VALUES (?, ?, ?, ?, ?)')
        .run(d.personId, d.name ? this.index.name(d.name) : null, d.dateOfBirth ? this.index.dateOfBirth(d.dateOfBirth) : null, e.metadata.recordedBy, e.metadata.occurredAt);
      return;
    }
    const d = e.data as { personId: string; name?: string; dateOfBirth?: string };
    if (d.name) this.statement('UPDATE rm_people SET name_index = ? WHERE person_id = ?').run(this.index.name(d.name), d.personId);
    if (d.dateOfBirth) this.statement('UPDATE rm_people SET dob_index = ? WHERE person_id = ?').run(this.index.dateOfBirth(d.dateOfBirth), d.personId);
  }

  private applyReferral(e: OpenedEvent<ReferralEvent>): void {
    this.referrals.apply(e);
  }
}

/**
 * Runs one write transaction committed without waiting for the disk (`synchronous = NORMAL` for
 * that commit; WAL mode, so the file stays consistent whatever happens). Only for what can be
 * rebuilt from the events: the query tables and their checkpoint commit together, after the
 * events they come from were committed with an fsync, so a power cut can lose only whole
 * passes, which the projector then applies again. A crash of the process loses nothing (the
 * commit is in the operating system's hands). The next commit that does wait (the next append)
 * makes this one durable too. Saves the projector's fsync per pass on the command path.
 */
function withoutFsync<T>(db: Database, write: () => T): T {
  const level = db.pragma('synchronous', { simple: true }) as number;
  if (level < 2) return write();
  db.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.pragma(`synchronous = ${level}`);
  }
}
