import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { createAuditTables } from '@onestop/audit';
import { PublisherJournal } from '@onestop/application';
import { openDatabase } from '@onestop/event-store';
import { SqliteFeed } from '@onestop/delivery';
import type { BenchResult } from './bench-result';
import { prepareData } from './support/bench-hub';
import { openRuntime } from './support/seed';
import { median, ratio, round } from './support/stats';

export interface FanoutBenchOptions {
  quick: boolean;
  /** Source events to deliver (default 100,000; quick 5,000). */
  events?: number;
  log?: (line: string) => void;
}

/** Events the publisher reads per page (its default), and so per feed transaction. */
const PUBLISHER_PAGE = 500;
const SEGMENTS = 10;

interface FeedRow {
  agency_id: string;
  message_id: string;
  person_key: string;
  type: string;
  body: string;
  stored_at: string;
  position: number;
}

/**
 * Fan-out: how many stored source events per second the publisher decides for twelve agencies
 * and delivers to their HTTP feeds (signed CloudEvents, disclosures journalled, summaries kept),
 * draining a store of pre-written people events. The rate is the median over ten equal segments
 * of the drain, the first segment excluded as warm-up. Baseline: the very feed rows it produced,
 * inserted raw with better-sqlite3 into a table of the same shape, on a connection with the same
 * pragmas, one transaction per publisher page (500 source events), as the feed adapter does.
 */
export async function benchFanout(options: FanoutBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const target = options.events ?? (options.quick ? 5_000 : 100_000);
  const eventsPerPerson = 20;
  log(`writing ${target} events`);
  const data = await prepareData({ people: Math.ceil(target / eventsPerPerson), eventsPerPerson, prefix: 'onestop-bench-fanout-' });
  try {
    const runtime = await openRuntime(data.dataDir);
    let rate: number;
    let messages: number;
    let cpuPerEvent: number;
    let loopCpuPerEvent: number | undefined;
    const positions = runtime.db.prepare('SELECT position FROM es_events ORDER BY position').pluck().all() as number[];
    const total = positions.length;
    try {
      const marks = Array.from({ length: SEGMENTS }, (_, i) => positions[Math.min(positions.length - 1, Math.round(((i + 1) * positions.length) / SEGMENTS) - 1)]);
      log(`draining ${total} events for ${runtime.directory.allAgencies().length} agencies`);
      const cpuBefore = process.cpuUsage();
      const loopBefore = mainThreadCpuMs();
      const publisher = runtime.startPublisher({ feed: true, onError: (e) => log(`publisher: ${e.message}`) });
      const started = performance.now();
      const reached: number[] = [];
      for (const mark of marks) {
        while (publisher.position < mark) {
          if (!(await publisher.waitFor(mark, 600_000))) throw new Error('the publisher made no progress for 10 minutes');
        }
        reached.push(performance.now());
      }
      const used = process.cpuUsage(cpuBefore);
      cpuPerEvent = (used.user + used.system) / 1000 / total;
      const loopAfter = mainThreadCpuMs();
      if (loopBefore !== undefined && loopAfter !== undefined) loopCpuPerEvent = (loopAfter - loopBefore) / total;
      const segmentRates = reached.slice(1).map((t, i) => total / SEGMENTS / ((t - reached[i]) / 1000));
      rate = median(segmentRates);
      messages = runtime.db.prepare('SELECT COUNT(*) FROM feed_messages').pluck().get() as number;
      log(`  ${messages} feed messages, ${(messages / total).toFixed(2)} per event, ${round(total / ((reached[reached.length - 1] - started) / 1000))} events/s overall`);
    } finally {
      await runtime.close();
    }
    const rows = readFeedRows(data.dataDir);
    // The baselines' rounds: the median of three, one in a quick run.
    const rounds = options.quick ? 1 : 3;
    const raw: number[] = [];
    const pageOf = new Map(positions.map((p, i) => [p, Math.floor(i / PUBLISHER_PAGE)]));
    for (let r = 0; r < rounds; r += 1) raw.push(total / rawInsertSeconds(join(data.dataDir, `raw-${r}.db`), rows, pageOf));
    const base = median(raw);
    const written = readWrittenRows(data.dataDir);
    const all: number[] = [];
    for (let r = 0; r < rounds; r += 1) all.push(total / rawWriteSeconds(join(data.dataDir, `raw-all-${r}.db`), rows, written, pageOf));
    const allBase = median(all);
    log(`  every row it writes: ${rows.length} feed, ${written.disclosures.length} disclosures, ${written.audit.length} audit records, ${written.summaryWrites} summary writes`);
    return [
      {
        name: `fan-out: source events delivered to 12 agencies' feeds (${total.toLocaleString('en-GB')} events, ${(messages / total).toFixed(1)} messages each)`,
        value: round(rate),
        unit: 'events/s',
        baseline: { name: 'raw better-sqlite3 inserts of the same feed rows, same table, pragmas and transactions', value: round(base) },
        ratio: ratio(rate, base),
      },
      {
        name: 'fan-out against all it writes: the same rate beside raw inserts of every row the publisher writes (feed rows, disclosures, audit records, summaries, checkpoint)',
        value: round(rate),
        unit: 'events/s',
        baseline: { name: 'raw better-sqlite3 inserts of those rows, same tables and indexes, three transactions per page as the publisher', value: round(allBase) },
        ratio: ratio(rate, allBase),
      },
      { name: 'fan-out: publisher CPU time per source event', value: round(cpuPerEvent), unit: 'ms' },
      ...(loopCpuPerEvent === undefined ? [] : [{ name: "fan-out: of which on the publisher's event loop (signing runs on libuv's pool)", value: round(loopCpuPerEvent), unit: 'ms' }]),
    ];
  } finally {
    data.remove();
  }
}

/**
 * CPU time (ms) of this process's main thread, from Linux's `/proc` (10 ms ticks; Node 20 has no
 * per-thread CPU call); undefined elsewhere.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The feed rows the publisher wrote, each with its source event's position (from the message's
 * `sequence`; a message disclosed again on a new consent has `<position of the consent>.<n>`).
 */
function readFeedRows(dataDir: string): FeedRow[] {
  const db = openDatabase(join(dataDir, 'hub.db'));
  try {
    const rows = db.prepare('SELECT agency_id, message_id, person_key, type, body, stored_at FROM feed_messages ORDER BY seq').all() as FeedRow[];
    rows.forEach((r) => (r.position = Number((JSON.parse(r.body) as { sequence: string }).sequence)));
    return rows;
  } finally {
    db.close();
  }
}

/** The other rows the publisher wrote while draining: disclosures, audit records of releases, summaries. */
interface WrittenRows {
  disclosures: Array<Record<string, unknown> & { position: number; agency_id: string; person_id: string }>;
  /** Each audit record with the position of the source event it followed. */
  audit: Array<{ row: unknown[]; position: number }>;
  /** Each agency's final summary of each person. */
  summaries: Map<string, string>;
  summaryWrites: number;
}

function readWrittenRows(dataDir: string): WrittenRows {
  const db = openDatabase(join(dataDir, 'hub.db'));
  try {
    const disclosures = db.prepare('SELECT * FROM pub_disclosures ORDER BY position').all() as WrittenRows['disclosures'];
    let position = 0;
    const audit = (db.prepare("SELECT seq, at, kind, agency_id, subject, ref, body, prev_hash, hash FROM audit_records WHERE kind IN ('disclosure', 'retraction') ORDER BY seq").raw().all() as unknown[][]).map((row) => {
      position = (JSON.parse(row[6] as string) as { detail?: { position?: number } }).detail?.position ?? position;
      return { row, position };
    });
    const summaries = new Map((db.prepare('SELECT agency_id, person_id, summary FROM pub_summaries').all() as Array<{ agency_id: string; person_id: string; summary: string }>).map((r) => [`${r.agency_id}\u0000${r.person_id}`, r.summary]));
    return { disclosures, audit, summaries, summaryWrites: 0 };
  } finally {
    db.close();
  }
}

/**
 * Writes raw what the publisher writes for each page of source events, in its three transactions:
 * the audit records of the page's releases, its feed rows, then the journal (disclosures, each
 * summary touched in the page, the checkpoint). Returns the seconds taken.
 */
function rawWriteSeconds(file: string, feed: readonly FeedRow[], written: WrittenRows, pageOf: ReadonlyMap<number, number>): number {
  const db: Database = openDatabase(file);
  try {
    new SqliteFeed(db);
    new PublisherJournal(db, 'raw');
    createAuditTables(db);
    const insertFeed = db.prepare('INSERT OR IGNORE INTO feed_messages (agency_id, message_id, person_key, type, body, stored_at) VALUES (?, ?, ?, ?, ?, ?)');
    const insertAudit = db.prepare('INSERT INTO audit_records (seq, at, kind, agency_id, subject, ref, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ref) WHERE ref IS NOT NULL DO NOTHING');
    const insertDisclosure = db.prepare(`INSERT OR IGNORE INTO pub_disclosures
      (message_id, agency_id, event_id, person_id, position, event_type, stream, revision, purpose, fields, grounds, consent_based, disclosed_at)
      VALUES (@message_id, @agency_id, @event_id, @person_id, @position, @event_type, @stream, @revision, @purpose, @fields, @grounds, @consent_based, @disclosed_at)`);
    const saveSummary = db.prepare('INSERT INTO pub_summaries (agency_id, person_id, summary) VALUES (?, ?, ?) ON CONFLICT(agency_id, person_id) DO UPDATE SET summary = excluded.summary');
    const saveCheckpoint = db.prepare('INSERT INTO pub_checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at');
    type Page = { feed: FeedRow[]; audit: unknown[][]; disclosures: WrittenRows['disclosures']; last: number };
    const pages: Page[] = [];
    const page = (position: number): Page => (pages[pageOf.get(Math.floor(position))!] ??= { feed: [], audit: [], disclosures: [], last: 0 });
    feed.forEach((r) => page(r.position).feed.push(r));
    written.audit.forEach((a) => page(a.position).audit.push(a.row));
    written.disclosures.forEach((d) => page(d.position).disclosures.push(d));
    for (const [position, index] of pageOf) if (pages[index]) pages[index].last = Math.max(pages[index].last, position);
    const writeAudit = db.transaction((p: Page) => p.audit.forEach((row) => insertAudit.run(...row)));
    const writeFeed = db.transaction((p: Page) => p.feed.forEach((r) => insertFeed.run(r.agency_id, r.message_id, r.person_key, r.type, r.body, r.stored_at)));
    const writeJournal = db.transaction((p: Page) => {
      const touched = new Set<string>();
      for (const d of p.disclosures) {
        insertDisclosure.run(d);
        touched.add(`${d.agency_id}\u0000${d.person_id}`);
      }
      for (const key of touched) {
        const [agencyId, personId] = key.split('\u0000');
        saveSummary.run(agencyId, personId, written.summaries.get(key) ?? '{}');
        written.summaryWrites += 1;
      }
      saveCheckpoint.run('raw', p.last, new Date().toISOString());
    });
    written.summaryWrites = 0;
    const started = performance.now();
    for (const p of pages) {
      if (!p) continue;
      writeAudit(p);
      writeFeed(p);
      writeJournal(p);
    }
    return (performance.now() - started) / 1000;
  } finally {
    db.close();
  }
}

/** Inserts the rows raw, one transaction per publisher page of source events; returns the seconds taken. */
function rawInsertSeconds(file: string, rows: readonly FeedRow[], pageOf: ReadonlyMap<number, number>): number {
  const db: Database = openDatabase(file);
  try {
    new SqliteFeed(db);
    const insert = db.prepare('INSERT OR IGNORE INTO feed_messages (agency_id, message_id, person_key, type, body, stored_at) VALUES (?, ?, ?, ?, ?, ?)');
    const pages: FeedRow[][] = [];
    rows.forEach((r) => (pages[pageOf.get(Math.floor(r.position))!] ??= []).push(r));
    const write = db.transaction((page: FeedRow[]) => {
      for (const r of page) insert.run(r.agency_id, r.message_id, r.person_key, r.type, r.body, r.stored_at);
    });
    const started = performance.now();
    for (const page of pages) if (page) write(page);
    return (performance.now() - started) / 1000;
  } finally {
    db.close();
  }
}
