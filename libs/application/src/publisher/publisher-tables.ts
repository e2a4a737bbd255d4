import type { Database } from 'better-sqlite3';

/** Whether the publisher's tables exist in the file yet (they appear when a publisher first runs). */
export function publisherTablesExist(db: Database): boolean {
  return db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'pub_retractions'").pluck().get() === 1;
}

/**
 * The publisher's durable state in the hub's SQLite file: its checkpoint, the disclosure
 * record (who was sent which event and fields, under what), retractions and their
 * acknowledgements, and each agency's current summary of each person.
 */
export function createPublisherTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS pub_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS pub_disclosures (
      message_id TEXT NOT NULL,
      agency_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      person_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      event_type TEXT NOT NULL,
      stream TEXT NOT NULL,
      revision INTEGER NOT NULL,
      purpose TEXT NOT NULL,
      fields TEXT NOT NULL,
      grounds TEXT NOT NULL,
      consent_based INTEGER NOT NULL,
      disclosed_at TEXT NOT NULL,
      retracted_by TEXT,
      PRIMARY KEY (agency_id, message_id)
    );
    CREATE INDEX IF NOT EXISTS pub_disclosures_person ON pub_disclosures (person_id, agency_id);
    CREATE INDEX IF NOT EXISTS pub_disclosures_event ON pub_disclosures (agency_id, event_id);
    CREATE TABLE IF NOT EXISTS pub_retractions (
      message_id TEXT PRIMARY KEY,
      agency_id TEXT NOT NULL,
      person_id TEXT NOT NULL,
      cause_event_id TEXT NOT NULL,
      reason TEXT NOT NULL,
      retracted_ids TEXT NOT NULL,
      created_at TEXT NOT NULL,
      acknowledged_at TEXT,
      acknowledged_by TEXT
    );
    CREATE INDEX IF NOT EXISTS pub_retractions_open ON pub_retractions (agency_id, acknowledged_at);
    CREATE TABLE IF NOT EXISTS pub_partnership (name TEXT PRIMARY KEY, snapshot TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS pub_summaries (
      agency_id TEXT NOT NULL,
      person_id TEXT NOT NULL,
      summary TEXT NOT NULL,
      PRIMARY KEY (agency_id, person_id)
    );
  `);
}
