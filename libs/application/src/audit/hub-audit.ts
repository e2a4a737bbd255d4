import type { Database } from 'better-sqlite3';
import { CheckpointSigner, loadOrCreateAuditSecret, SqliteAuditLog, SubjectRefs } from '@onestop/audit';
import type { EventStore } from '@onestop/event-store';
import type { EventRepository } from '../event-repository';
import { AdminAuditProjector } from './admin-audit';
import { BreakGlassRegistry } from './break-glass-registry';

/** The audit parts of a runtime: the log, the admin-change recorder and the break-glass grants. */
export interface HubAudit {
  readonly log: SqliteAuditLog;
  readonly admin: AdminAuditProjector;
  readonly breakGlass: BreakGlassRegistry;
}

/** What the audit parts of a runtime are built from. */
export interface HubAuditOptions {
  db: Database;
  store: EventStore;
  repository: EventRepository;
  dataDir: string;
  signer: CheckpointSigner;
  now: () => Date;
  onError?: (error: Error) => void;
}

/**
 * Opens the audit log in the hub's SQLite file (subject references keyed by
 * `<dataDir>/secrets/audit.key`, checkpoints signed by the hub's key) and records admin changes
 * as soon as this process appends them.
 */
export function openHubAudit(o: HubAuditOptions): HubAudit {
  const onError = o.onError ?? ((e: Error) => console.error(`audit: ${e.message}`));
  const log = new SqliteAuditLog(o.db, { refs: new SubjectRefs(loadOrCreateAuditSecret(o.dataDir)), signer: o.signer, now: o.now, onError });
  const admin = new AdminAuditProjector(o.db, o.store, log);
  o.repository.onAppended((a) => {
    if (a.stream.startsWith('agency-') || a.stream.startsWith('agreement-')) admin.catchUp().catch(onError);
  });
  return { log, admin, breakGlass: new BreakGlassRegistry(o.db) };
}
