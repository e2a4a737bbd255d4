import type { Database } from 'better-sqlite3';

/** A break-glass grant as the hub enforces it and the DPO reviews it. */
export interface BreakGlassGrantRow {
  grant_id: string;
  person_id: string;
  agency_id: string;
  actor: string;
  opened_at: string;
  until: string;
  outcome: string | null;
  reviewed_at: string | null;
  reviewed_by: string | null;
}

/**
 * Break-glass grants in force and the DPO's review queue (`rm_break_glass`). A grant counts only
 * once its row is written, and the row is written in the same transaction as its audit record,
 * so there is no emergency access that the audit log does not show.
 */
export class BreakGlassRegistry {
  constructor(private readonly db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS rm_break_glass (
      grant_id TEXT PRIMARY KEY,
      person_id TEXT NOT NULL,
      agency_id TEXT NOT NULL,
      actor TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      until TEXT NOT NULL,
      outcome TEXT,
      reviewed_at TEXT,
      reviewed_by TEXT
    );
    CREATE INDEX IF NOT EXISTS rm_break_glass_person ON rm_break_glass (person_id, agency_id, actor);
    CREATE INDEX IF NOT EXISTS rm_break_glass_queue ON rm_break_glass (reviewed_at, opened_at);`);
  }

  /** Records a grant (call inside the transaction that writes its audit record). */
  open(row: Pick<BreakGlassGrantRow, 'grant_id' | 'person_id' | 'agency_id' | 'actor' | 'opened_at' | 'until'>): void {
    this.db
      .prepare('INSERT INTO rm_break_glass (grant_id, person_id, agency_id, actor, opened_at, until) VALUES (@grant_id, @person_id, @agency_id, @actor, @opened_at, @until)')
      .run(row);
  }

  /** The caller's grant over the person in force at `at` (the latest, when several). */
  active(personId: string, agencyId: string, actor: string, at: string): BreakGlassGrantRow | undefined {
    return this.db
      .prepare('SELECT * FROM rm_break_glass WHERE person_id = ? AND agency_id = ? AND actor = ? AND opened_at <= ? AND until > ? ORDER BY until DESC LIMIT 1')
      .get(personId, agencyId, actor, at, at) as BreakGlassGrantRow | undefined;
  }

  /** Grants any agency held over the person at `at`. */
  activeAt(personId: string, at: string): BreakGlassGrantRow[] {
    return this.db.prepare('SELECT * FROM rm_break_glass WHERE person_id = ? AND opened_at <= ? AND until > ? ORDER BY opened_at').all(personId, at, at) as BreakGlassGrantRow[];
  }

  get(grantId: string): BreakGlassGrantRow | undefined {
    return this.db.prepare('SELECT * FROM rm_break_glass WHERE grant_id = ?').get(grantId) as BreakGlassGrantRow | undefined;
  }

  /** Records the review (inside the transaction that writes its audit record); false when already reviewed. */
  review(grantId: string, outcome: string, at: string, by: string): boolean {
    return this.db.prepare('UPDATE rm_break_glass SET outcome = ?, reviewed_at = ?, reviewed_by = ? WHERE grant_id = ? AND reviewed_at IS NULL').run(outcome, at, by, grantId).changes === 1;
  }

  /** The review queue: pending grants first (oldest first), or only pending / only reviewed. */
  queue(status: 'pending' | 'reviewed' | 'all', limit = 200): BreakGlassGrantRow[] {
    const where = status === 'pending' ? 'WHERE reviewed_at IS NULL' : status === 'reviewed' ? 'WHERE reviewed_at IS NOT NULL' : '';
    return this.db.prepare(`SELECT * FROM rm_break_glass ${where} ORDER BY reviewed_at IS NOT NULL, opened_at LIMIT ?`).all(limit) as BreakGlassGrantRow[];
  }

  forPerson(personId: string): BreakGlassGrantRow[] {
    return this.db.prepare('SELECT * FROM rm_break_glass WHERE person_id = ? ORDER BY opened_at').all(personId) as BreakGlassGrantRow[];
  }
}
