import type { Database, Statement } from 'better-sqlite3';
import { PersonSummary } from '../reads/person-summary';
import { createPublisherTables } from './publisher-tables';
import { RecentValues } from './recent-values';

/** One disclosure as recorded for the data-protection officer. */
export interface DisclosureRow {
  message_id: string;
  agency_id: string;
  event_id: string;
  person_id: string;
  position: number;
  event_type: string;
  stream: string;
  revision: number;
  purpose: string;
  fields: string;
  grounds: string;
  consent_based: number;
  disclosed_at: string;
  retracted_by?: string | null;
}

export interface RetractionRow {
  message_id: string;
  agency_id: string;
  person_id: string;
  cause_event_id: string;
  reason: string;
  retracted_ids: string;
  created_at: string;
}

/** What one flush commits together with the checkpoint. */
export interface JournalBatch {
  disclosures: DisclosureRow[];
  retractions: RetractionRow[];
  retracted: Array<{ agencyId: string; messageId: string; by: string }>;
  summaries: Map<string, { agencyId: string; personId: string; summary: PersonSummary | null }>;
  /** The partnership as folded up to `position`, when it changed in this batch. */
  partnership?: string;
  position: number;
}

/**
 * The publisher's SQLite journal. A batch's disclosures, retractions, summaries and the new
 * checkpoint commit in one transaction, after the messages were delivered durably.
 *
 * The summaries it committed last are also kept in memory (the most recently used
 * `rememberedSummaries`), so that the next batch folds onto them without reading and parsing them
 * back. Summaries are values, never changed once made, so the ones remembered are exactly what
 * the table holds; `forgetRemembered` drops them when another instance may have written.
 */
export class PublisherJournal {
  private readonly statements: Record<string, Statement>;
  /** Committed summaries by agency and person; `null` where the table holds none. */
  private readonly summaries: RecentValues<PersonSummary | null>;

  constructor(
    private readonly db: Database,
    readonly name: string,
    { rememberedSummaries = 20_000 }: { rememberedSummaries?: number } = {},
  ) {
    this.summaries = new RecentValues(rememberedSummaries);
    createPublisherTables(db);
    this.statements = {
      checkpoint: db.prepare('SELECT position FROM pub_checkpoints WHERE name = ?').pluck(),
      saveCheckpoint: db.prepare(
        'INSERT INTO pub_checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
      ),
      disclose: db.prepare(`INSERT OR IGNORE INTO pub_disclosures
        (message_id, agency_id, event_id, person_id, position, event_type, stream, revision, purpose, fields, grounds, consent_based, disclosed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      retraction: db.prepare(`INSERT OR IGNORE INTO pub_retractions
        (message_id, agency_id, person_id, cause_event_id, reason, retracted_ids, created_at)
        VALUES (@message_id, @agency_id, @person_id, @cause_event_id, @reason, @retracted_ids, @created_at)`),
      markRetracted: db.prepare('UPDATE pub_disclosures SET retracted_by = ? WHERE agency_id = ? AND message_id = ? AND retracted_by IS NULL'),
      summary: db.prepare('SELECT summary FROM pub_summaries WHERE agency_id = ? AND person_id = ?').pluck(),
      saveSummary: db.prepare(
        'INSERT INTO pub_summaries (agency_id, person_id, summary) VALUES (?, ?, ?) ON CONFLICT(agency_id, person_id) DO UPDATE SET summary = excluded.summary',
      ),
      dropSummary: db.prepare('DELETE FROM pub_summaries WHERE agency_id = ? AND person_id = ?'),
      partnership: db.prepare('SELECT snapshot FROM pub_partnership WHERE name = ?').pluck(),
      savePartnership: db.prepare(
        'INSERT INTO pub_partnership (name, snapshot) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET snapshot = excluded.snapshot',
      ),
      held: db.prepare('SELECT * FROM pub_disclosures WHERE person_id = ? AND retracted_by IS NULL ORDER BY position'),
      everDisclosed: db.prepare('SELECT 1 FROM pub_disclosures WHERE agency_id = ? AND event_id = ? LIMIT 1'),
      peopleHeldUnder: db.prepare("SELECT DISTINCT person_id FROM pub_disclosures WHERE retracted_by IS NULL AND grounds LIKE ? ESCAPE '\\'").pluck(),
    };
  }

  /** Whether the event was ever disclosed to the agency (even if retracted since). */
  everDisclosed(agencyId: string, eventId: string): boolean {
    return this.statements.everDisclosed.get(agencyId, eventId) !== undefined;
  }

  /** People with held disclosures whose grounds cite the agreement. */
  peopleHeldUnder(agreementId: string): string[] {
    return this.statements.peopleHeldUnder.all(`%"agreementId":${JSON.stringify(agreementId).replace(/[%_\\]/g, (c) => '\\' + c)}%`) as string[];
  }

  checkpoint(): number | undefined {
    return (this.statements.checkpoint.get(this.name) as number | undefined) ?? undefined;
  }

  /** The partnership snapshot saved with the checkpoint. */
  partnership(): string | undefined {
    return (this.statements.partnership.get(this.name) as string | undefined) ?? undefined;
  }

  /** The agency's summary of the person as last committed; do not change it (it is shared). */
  summary(agencyId: string, personId: string): PersonSummary | undefined {
    const key = summaryKey(agencyId, personId);
    let summary = this.summaries.get(key);
    if (summary === undefined) {
      const text = this.statements.summary.get(agencyId, personId) as string | undefined;
      summary = text ? (JSON.parse(text) as PersonSummary) : null;
      this.summaries.set(key, summary);
    }
    return summary ?? undefined;
  }

  /** Drops the summaries kept in memory (another instance may have committed since). */
  forgetRemembered(): void {
    this.summaries.clear();
  }

  /** Disclosures of the person's data that agencies still hold (not retracted), oldest first. */
  held(personId: string): DisclosureRow[] {
    return this.statements.held.all(personId) as DisclosureRow[];
  }

  commit(batch: JournalBatch, now: string): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const d of batch.disclosures) {
        s.disclose.run(d.message_id, d.agency_id, d.event_id, d.person_id, d.position, d.event_type, d.stream, d.revision, d.purpose, d.fields, d.grounds, d.consent_based, d.disclosed_at);
      }
      batch.retractions.forEach((r) => s.retraction.run(r));
      batch.retracted.forEach((r) => s.markRetracted.run(r.by, r.agencyId, r.messageId));
      for (const { agencyId, personId, summary } of batch.summaries.values()) {
        if (summary) s.saveSummary.run(agencyId, personId, JSON.stringify(summary));
        else s.dropSummary.run(agencyId, personId);
      }
      if (batch.partnership !== undefined) s.savePartnership.run(this.name, batch.partnership);
      s.saveCheckpoint.run(this.name, batch.position, now);
    })();
    for (const { agencyId, personId, summary } of batch.summaries.values()) this.summaries.set(summaryKey(agencyId, personId), summary);
  }

  /**
   * Copies the write-ahead log into the file and empties it: after an erasure, the page images
   * that still hold the person's withdrawn messages and summaries go with it (the file itself is
   * zeroed where they were deleted: secure delete).
   */
  forgetWriteAheadLog(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Forgets everything derived (for a rebuild from the start of the store), except the
   * retractions agencies have acknowledged: their confirmation is not derivable, and the rebuild
   * re-creates those retractions under the same ids, so the acknowledged rows stand.
   */
  reset(): void {
    this.summaries.clear();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM pub_checkpoints WHERE name = ?').run(this.name);
      this.db.prepare('DELETE FROM pub_partnership WHERE name = ?').run(this.name);
      this.db.exec('DELETE FROM pub_disclosures; DELETE FROM pub_retractions WHERE acknowledged_at IS NULL; DELETE FROM pub_summaries;');
    })();
  }
}

const summaryKey = (agencyId: string, personId: string) => `${agencyId}\u0000${personId}`;
