import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../event-store.port';

/** One row of `es_events`. `data` and `metadata` are JSON text. */
interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** A stored event's place, as the append's idempotency check needs it. */
export interface StoredPlace {
  id: string;
  stream: string;
  revision: number;
  position: number;
}

export interface EventInsert {
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recordedAt: string;
}

/** The event table, created if missing. Exported so that benchmarks compare against the same shape. */
export const EVENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS es_events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    stream      TEXT    NOT NULL,
    revision    INTEGER NOT NULL CHECK (revision >= 0),
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    UNIQUE (stream, revision)
  );
`;

const COLUMNS = 'position, id, stream, revision, type, data, metadata, recorded_at';
const NO_LIMIT = -1;

/**
 * The event store's SQL on one connection: the `es_events` table (created if missing) and
 * prepared statements. Positions come from AUTOINCREMENT inside a write transaction, and SQLite
 * admits one writer at a time, so a reader never sees a position before every lower one.
 */
export class SqliteQueries {
  private readonly insertEvent: Statement<[string, string, number, string, string, string, string]>;
  private readonly lastRevision: Statement<[string], { revision: number | null }>;
  private readonly placeOfId: Statement<[string], StoredPlace>;
  private readonly placesFrom: Statement<[string, number, number], StoredPlace>;
  private readonly streamForwards: Statement<[string, number, number], EventRow>;
  private readonly streamBackwards: Statement<[string, number, number], EventRow>;
  private readonly streamsForwards: Statement<[string], EventRow & { read: number }>;
  private readonly allForwards: Statement<[number, number], EventRow>;
  private readonly allBackwards: Statement<[number, number], EventRow>;

  constructor(readonly db: Database) {
    db.exec(EVENTS_SCHEMA);
    this.insertEvent = db.prepare(
      'INSERT INTO es_events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastRevision = db.prepare('SELECT MAX(revision) AS revision FROM es_events WHERE stream = ?');
    this.placeOfId = db.prepare('SELECT id, stream, revision, position FROM es_events WHERE id = ?');
    this.placesFrom = db.prepare(
      'SELECT id, stream, revision, position FROM es_events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
    );
    this.streamForwards = db.prepare(
      `SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.streamBackwards = db.prepare(
      `SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    );
    // One statement for any number of streams: the reads come as a JSON array of [stream, from]
    // pairs, each looked up through the (stream, revision) index.
    this.streamsForwards = db.prepare(
      `SELECT r.key AS read, ${COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')}
         FROM json_each(?) AS r CROSS JOIN es_events AS e
        WHERE e.stream = r.value ->> 0 AND e.revision >= r.value ->> 1
        ORDER BY r.key, e.revision`,
    );
    this.allForwards = db.prepare(`SELECT ${COLUMNS} FROM es_events WHERE position > ? ORDER BY position LIMIT ?`);
    this.allBackwards = db.prepare(
      `SELECT ${COLUMNS} FROM es_events WHERE position < ? ORDER BY position DESC LIMIT ?`,
    );
  }

  /** The stream's last revision, or -1 when it has no events. */
  currentRevision(stream: string): number {
    return this.lastRevision.get(stream)?.revision ?? -1;
  }

  findById(id: string): StoredPlace | undefined {
    return this.placeOfId.get(id);
  }

  placesFromRevision(stream: string, revision: number, count: number): StoredPlace[] {
    return this.placesFrom.all(stream, revision, count);
  }

  /** Inserts one event and returns its global position. */
  insert(event: EventInsert): number {
    const { id, stream, revision, type, data, metadata, recordedAt } = event;
    return Number(this.insertEvent.run(id, stream, revision, type, data, metadata, recordedAt).lastInsertRowid);
  }

  readStreamForwards(stream: string, fromRevision: number, maxCount?: number): RecordedEvent[] {
    return this.streamForwards.all(stream, fromRevision, maxCount ?? NO_LIMIT).map(toRecordedEvent);
  }

  /** For each `[stream, fromRevision]`, in order, the stream's events from there. */
  readStreamsForwards(reads: ReadonlyArray<readonly [string, number]>): RecordedEvent[][] {
    const found: RecordedEvent[][] = reads.map(() => []);
    if (reads.length === 0) return found;
    for (const row of this.streamsForwards.all(JSON.stringify(reads))) found[row.read].push(toRecordedEvent(row));
    return found;
  }

  readStreamBackwards(stream: string, fromRevision: number | undefined, maxCount?: number): RecordedEvent[] {
    const from = fromRevision ?? Number.MAX_SAFE_INTEGER;
    return this.streamBackwards.all(stream, from, maxCount ?? NO_LIMIT).map(toRecordedEvent);
  }

  readAllForwards(after: number, maxCount?: number): RecordedEvent[] {
    return this.allForwards.all(after, maxCount ?? NO_LIMIT).map(toRecordedEvent);
  }

  readAllBackwards(before: number | undefined, maxCount?: number): RecordedEvent[] {
    return this.allBackwards.all(before ?? Number.MAX_SAFE_INTEGER, maxCount ?? NO_LIMIT).map(toRecordedEvent);
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    recordedAt: row.recorded_at,
  };
}
