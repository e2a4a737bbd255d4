import type { Database } from 'better-sqlite3';

/**
 * The audit tables in the hub's SQLite file. A record's filterable fields are columns and the
 * rest is canonical JSON in `body`; the hash covers both (see `hash-chain.ts`). Triggers refuse every UPDATE and DELETE, so no
 * code path of the hub can change history; someone editing the file directly is caught by
 * verification instead.
 */
export function createAuditTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS audit_records (
      seq INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      kind TEXT NOT NULL,
      agency_id TEXT,
      subject TEXT,
      ref TEXT,
      body TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS audit_records_ref ON audit_records (ref) WHERE ref IS NOT NULL;
    CREATE INDEX IF NOT EXISTS audit_records_subject ON audit_records (subject, seq) WHERE subject IS NOT NULL;
    CREATE INDEX IF NOT EXISTS audit_records_agency ON audit_records (agency_id, seq);
    CREATE INDEX IF NOT EXISTS audit_records_kind ON audit_records (kind, at);
    CREATE TABLE IF NOT EXISTS audit_checkpoints (
      idx INTEGER PRIMARY KEY,
      from_seq INTEGER NOT NULL,
      to_seq INTEGER NOT NULL UNIQUE,
      payload TEXT NOT NULL,
      signature TEXT NOT NULL
    );
    CREATE TRIGGER IF NOT EXISTS audit_records_append_only_update BEFORE UPDATE ON audit_records
      BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_records_append_only_delete BEFORE DELETE ON audit_records
      BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
  `);
}
