import type { Database } from 'better-sqlite3';

/** Creates the read-model tables kept beside the events in the hub's SQLite file. */
export function createReadModelTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS rm_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS rm_people (
      person_id TEXT PRIMARY KEY,
      name_index TEXT,
      dob_index TEXT,
      registered_by TEXT NOT NULL,
      registered_at TEXT NOT NULL,
      erased_at TEXT
    );
    CREATE INDEX IF NOT EXISTS rm_people_lookup ON rm_people (name_index, dob_index);
    CREATE TABLE IF NOT EXISTS rm_consents (
      consent_id TEXT PRIMARY KEY,
      person_id TEXT NOT NULL,
      valid_until TEXT,
      status TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rm_consents_due ON rm_consents (status, valid_until);
    CREATE INDEX IF NOT EXISTS rm_consents_person ON rm_consents (person_id);
  `);
  createReferralTable(db);
}

/**
 * `rm_referrals`: one row per referral with its deadlines and the moments it reached each step.
 * `next_deadline` is the soonest deadline still pending (the duty board's order); `next_due` the
 * soonest pending one not yet escalated (what the deadline timer looks for, indexed). A table
 * from before these columns is dropped and rebuilt: the projector replays from the start, which
 * its idempotent writes allow.
 */
function createReferralTable(db: Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('rm_referrals')").pluck().all() as string[];
  if (columns.length > 0 && !columns.includes('next_due')) {
    db.exec("DROP TABLE rm_referrals; DELETE FROM rm_checkpoints WHERE name = 'read-models';");
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS rm_referrals (
      referral_id TEXT PRIMARY KEY,
      person_id TEXT NOT NULL,
      from_agency TEXT NOT NULL,
      to_agency TEXT NOT NULL,
      service TEXT NOT NULL,
      urgency TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL,
      raised_at TEXT,
      acknowledge_by TEXT,
      decide_by TEXT,
      start_by TEXT,
      acknowledged_at TEXT,
      accepted_at TEXT,
      declined_at TEXT,
      started_at TEXT,
      completed_at TEXT,
      withdrawn_at TEXT,
      updated_at TEXT NOT NULL,
      escalations INTEGER NOT NULL DEFAULT 0,
      escalated TEXT NOT NULL DEFAULT '',
      next_deadline TEXT,
      next_due TEXT,
      revision INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rm_referrals_person ON rm_referrals (person_id);
    CREATE INDEX IF NOT EXISTS rm_referrals_to ON rm_referrals (to_agency, status);
    CREATE INDEX IF NOT EXISTS rm_referrals_from ON rm_referrals (from_agency, status);
    CREATE INDEX IF NOT EXISTS rm_referrals_status ON rm_referrals (status);
    CREATE INDEX IF NOT EXISTS rm_referrals_due ON rm_referrals (next_due) WHERE next_due IS NOT NULL;
    CREATE INDEX IF NOT EXISTS rm_referrals_raised ON rm_referrals (raised_at);
  `);
}
