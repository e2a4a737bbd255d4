import { EventEmitter } from 'node:events';
import type { Database, Statement } from 'better-sqlite3';
import { writeGateOf } from '@onestop/event-store';
import { HubCloudEvent, RETRACTION_TYPE, RetractionData } from '../cloud-event';
import { Delivery, FeedPage, Outbound } from '../delivery.port';

/** The event every delivery also emits, with the agency (agency ids are slugs: no clash). */
const ANY_AGENCY = '*';

/**
 * The HTTP feed adapter (the embedded default): each agency's messages in a durable table of
 * the hub's SQLite file, read with a cursor (`GET /v1/feed`) or streamed (`GET /v1/feed/stream`).
 * A message id is stored once per agency, so redelivery is harmless.
 *
 * A retraction withdraws what it names from the feed in the same transaction as it is stored:
 * the retracted messages' bodies are blanked (the row stays, so that a redelivery or a rebuild
 * cannot store them again) and no read serves them after. An agency reading later never sees data
 * whose basis has ended, and after an erasure the feed holds nothing of the person but the
 * retraction, which names message ids and the agency's pseudonym only.
 */
export class SqliteFeed implements Delivery {
  readonly name = 'feed';
  private readonly events = new EventEmitter();
  private readonly insert: Statement;
  private readonly page: Statement;
  private readonly last: Statement;
  private readonly withdraw: Statement;

  constructor(private readonly db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS feed_messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      agency_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      person_key TEXT NOT NULL,
      type TEXT NOT NULL,
      body TEXT NOT NULL,
      stored_at TEXT NOT NULL,
      UNIQUE (agency_id, message_id)
    );
    CREATE INDEX IF NOT EXISTS feed_messages_agency ON feed_messages (agency_id, seq);`);
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO feed_messages (agency_id, message_id, person_key, type, body, stored_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.page = db.prepare("SELECT seq, body FROM feed_messages WHERE agency_id = ? AND seq > ? AND body <> '' ORDER BY seq LIMIT ?");
    this.withdraw = db.prepare("UPDATE feed_messages SET body = '', person_key = '' WHERE agency_id = ? AND message_id = ? AND type <> ?");
    this.last = db.prepare('SELECT MAX(seq) FROM feed_messages WHERE agency_id = ?').pluck();
    this.events.setMaxListeners(0);
  }

  async deliver(batch: readonly Outbound[]): Promise<void> {
    if (batch.length === 0) return;
    const now = new Date().toISOString();
    const touched = new Set<string>();
    await writeGateOf(this.db).run(() =>
      this.db.transaction(() => {
        for (const o of batch) {
          const r = this.insert.run(o.agencyId, o.message.id, o.key, o.message.type, JSON.stringify(o.message), now);
          if (r.changes > 0) touched.add(o.agencyId);
          if (o.message.type === RETRACTION_TYPE) {
            for (const id of (o.message.data as unknown as RetractionData).retractedIds) this.withdraw.run(o.agencyId, id, RETRACTION_TYPE);
          }
        }
      })(),
    );
    for (const agencyId of touched) {
      this.events.emit(agencyId);
      this.events.emit(ANY_AGENCY, agencyId);
    }
  }

  /** Messages for the agency after the cursor, oldest first. */
  read(agencyId: string, after: string | undefined, limit: number): FeedPage {
    const from = after === undefined || after === '' ? 0 : Number(after);
    const rows = this.page.all(agencyId, Number.isSafeInteger(from) ? from : 0, limit) as Array<{ seq: number; body: string }>;
    const cursor = rows.length ? String(rows[rows.length - 1].seq) : String(from);
    return { messages: rows.map((r) => JSON.parse(r.body) as HubCloudEvent), cursor };
  }

  /** Like `read`, with each message's cursor (for server-sent events' ids). */
  readWithCursors(agencyId: string, after: string | undefined, limit: number): Array<{ cursor: string; message: HubCloudEvent }> {
    const from = after === undefined || after === '' ? 0 : Number(after);
    const rows = this.page.all(agencyId, Number.isSafeInteger(from) ? from : 0, limit) as Array<{ seq: number; body: string }>;
    return rows.map((r) => ({ cursor: String(r.seq), message: JSON.parse(r.body) as HubCloudEvent }));
  }

  /** The cursor of the agency's newest message ('0' when none). */
  head(agencyId: string): string {
    return String((this.last.get(agencyId) as number | null) ?? 0);
  }

  /** Calls `listener` whenever this process stores new messages for the agency; returns the unsubscribe. */
  onDelivered(agencyId: string, listener: () => void): () => void {
    this.events.on(agencyId, listener);
    return () => this.events.off(agencyId, listener);
  }

  /** Calls `listener` with the agency whenever this process stores new messages for any agency. */
  onAnyDelivered(listener: (agencyId: string) => void): () => void {
    this.events.on(ANY_AGENCY, listener);
    return () => this.events.off(ANY_AGENCY, listener);
  }

  /** Tells this process's listeners that another thread or process stored messages for the agency. */
  announce(agencyId: string): void {
    this.events.emit(agencyId);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
