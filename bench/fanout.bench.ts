import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
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
    const raw: number[] = [];
    const pageOf = new Map(positions.map((p, i) => [p, Math.floor(i / PUBLISHER_PAGE)]));
    for (let r = 0; r < 3; r += 1) raw.push(total / rawInsertSeconds(join(data.dataDir, `raw-${r}.db`), rows, pageOf));
    const base = median(raw);
    return [
      {
        name: `fan-out: source events delivered to 12 agencies' feeds (${total.toLocaleString('en-GB')} events, ${(messages / total).toFixed(1)} messages each)`,
        value: round(rate),
        unit: 'events/s',
        baseline: { name: 'raw better-sqlite3 inserts of the same feed rows, same table, pragmas and transactions', value: round(base) },
        ratio: ratio(rate, base),
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

/** The feed rows the publisher wrote, each with its source event's position (from the message's `sequence`). */
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

/** Inserts the rows raw, one transaction per publisher page of source events; returns the seconds taken. */
function rawInsertSeconds(file: string, rows: readonly FeedRow[], pageOf: ReadonlyMap<number, number>): number {
  const db: Database = openDatabase(file);
  try {
    new SqliteFeed(db);
    const insert = db.prepare('INSERT OR IGNORE INTO feed_messages (agency_id, message_id, person_key, type, body, stored_at) VALUES (?, ?, ?, ?, ?, ?)');
    const pages: FeedRow[][] = [];
    rows.forEach((r) => (pages[pageOf.get(r.position)!] ??= []).push(r));
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
