import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '@onestop/event-store';
import { applyToSummary, emptySummary, PersonSummary } from '../reads/person-summary';
import { JournalBatch, PublisherJournal } from './publisher-journal';

const batch = (position: number, summaries: Array<[string, string, PersonSummary | null]>): JournalBatch => ({
  disclosures: [],
  retractions: [],
  retracted: [],
  summaries: new Map(summaries.map(([agencyId, personId, summary]) => [`${agencyId}\u0000${personId}`, { agencyId, personId, summary }])),
  position,
});

const checkIn = (previous: PersonSummary, note: string): PersonSummary =>
  applyToSummary(previous, { type: 'CheckInRecorded.v1', data: { needs: { accommodation: { level: 'high', summary: note } } }, occurredAt: '2026-03-02T10:00:00.000Z' });

describe('PublisherJournal summaries', () => {
  let dir: string;
  let db: Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onestop-journal-'));
    db = openDatabase(join(dir, 'hub.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives back each committed summary, tombstones included, as a fresh journal reads it from the file', () => {
    const journal = new PublisherJournal(db, 'publisher', { rememberedSummaries: 1 });
    const first = checkIn(emptySummary('psn_a'), 'sofa surfing');
    expect(journal.summary('housing', 'p-1')).toBeUndefined();
    journal.commit(batch(1, [['housing', 'p-1', first], ['police', 'p-1', checkIn(emptySummary('psn_b'), 'x')]]), '2026-03-02T10:00:01.000Z');
    const second = checkIn(first, 'rough sleeping');
    journal.commit(batch(2, [['housing', 'p-1', second], ['police', 'p-1', null]]), '2026-03-02T10:00:02.000Z');

    const fresh = new PublisherJournal(db, 'publisher');
    for (const reader of [journal, fresh]) {
      expect(reader.summary('housing', 'p-1')).toEqual(JSON.parse(JSON.stringify(second)));
      expect(reader.summary('police', 'p-1')).toBeUndefined();
    }
  });

  it('forgets what it remembers when reset, and reads again what another instance committed', () => {
    const journal = new PublisherJournal(db, 'publisher');
    const other = new PublisherJournal(db, 'publisher');
    const summary = checkIn(emptySummary('psn_a'), 'sofa surfing');
    journal.commit(batch(1, [['housing', 'p-1', summary]]), '2026-03-02T10:00:01.000Z');
    expect(journal.summary('housing', 'p-1')).toBe(summary);

    other.commit(batch(2, [['housing', 'p-1', checkIn(summary, 'rough sleeping')]]), '2026-03-02T10:00:02.000Z');
    journal.forgetRemembered();
    expect(journal.summary('housing', 'p-1')?.needs.accommodation.summary).toBe('rough sleeping');

    journal.reset();
    expect(journal.summary('housing', 'p-1')).toBeUndefined();
  });
});
