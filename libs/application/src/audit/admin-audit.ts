import type { Database } from 'better-sqlite3';
import type { AuditInput, AuditLog } from '@onestop/audit';
import type { AgencyProfile, AgreementVersion } from '@onestop/domain';
import type { EventStore, RecordedEvent } from '@onestop/event-store';

const CHECKPOINT = 'audit-admin';
const PAGE = 1000;

const keyIds = (p: AgencyProfile): string[] => (p.jwks ? p.jwks.keys.map((k, i) => k.kid ?? `#${i}`) : [`uri:${p.jwksUri}`]);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Records every admin change in the audit log from the store itself: agencies registered or
 * changed (with their keys), agreement versions published. Working from the store makes the
 * record complete whoever made the change and whenever this process learns of it; each event is
 * recorded once (keyed by its id) and the checkpoint moves in the same transaction.
 */
export class AdminAuditProjector {
  private pending?: Promise<void>;
  private again?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly audit: AuditLog,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS rm_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  }

  /**
   * Records every admin event since the checkpoint. A call made while a pass runs waits for one
   * more pass after it, so what the caller appended before calling is recorded when it resolves.
   */
  catchUp(): Promise<void> {
    if (!this.pending) {
      this.pending = this.run().finally(() => (this.pending = undefined));
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

  private async run(): Promise<void> {
    for (;;) {
      const after = this.db.prepare('SELECT position FROM rm_checkpoints WHERE name = ?').pluck().get(CHECKPOINT) as number | undefined;
      const page = await this.store.readAll({ after, maxCount: PAGE });
      if (page.length === 0) return;
      const inputs: AuditInput[] = [];
      for (const event of page) {
        const input = await this.recordOf(event);
        if (input) inputs.push(input);
      }
      this.db.transaction(() => {
        this.audit.appendInTransaction(inputs);
        this.db
          .prepare('INSERT INTO rm_checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position')
          .run(CHECKPOINT, page[page.length - 1].position);
      }).immediate(); // takes the write lock first: another process (the API, a publisher) may write meanwhile
      if (page.length < PAGE) return;
    }
  }

  private async recordOf(event: RecordedEvent): Promise<AuditInput | undefined> {
    const metadata = event.metadata as { recordedBy?: string; actor?: string; occurredAt?: string };
    const base = { kind: 'admin' as const, at: metadata.occurredAt ?? event.recordedAt, agencyId: metadata.recordedBy, actor: metadata.actor, roles: ['admin'], ref: `admin:${event.id}` };
    if (event.type === 'AgreementVersionPublished.v1') {
      const v = event.data as unknown as AgreementVersion;
      const detail = { change: 'agreement-published', eventId: event.id, agreementId: v.agreementId, version: v.version, effectiveFrom: v.effectiveFrom, reviewDate: v.reviewDate, parties: v.parties, grants: v.grants.length };
      return { ...base, detail };
    }
    if (event.type !== 'AgencyRegistered.v1' && event.type !== 'AgencyUpdated.v1') return undefined;
    const profile = event.data as unknown as AgencyProfile;
    const [before] = event.revision > 0 ? await this.store.readStream(event.stream, { fromRevision: event.revision - 1, maxCount: 1 }) : [];
    const previous = before?.data as unknown as AgencyProfile | undefined;
    const changed = previous ? (Object.keys({ ...previous, ...profile }) as Array<keyof AgencyProfile>).filter((k) => !same(previous[k], profile[k])) : [];
    const keysChanged = previous ? !same(previous.jwks, profile.jwks) || previous.jwksUri !== profile.jwksUri : true;
    const detail = {
      change: event.type === 'AgencyRegistered.v1' ? 'agency-registered' : 'agency-updated',
      eventId: event.id,
      targetAgency: profile.agencyId,
      kind: profile.kind,
      issuer: profile.issuer,
      keyIds: keyIds(profile),
      keysChanged,
      changedFields: changed.sort(),
    };
    return { ...base, detail };
  }
}
