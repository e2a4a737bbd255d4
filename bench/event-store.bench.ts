import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, SqliteEventStore, type NewEvent } from '@onestop/event-store';
import { EVENTS_SCHEMA } from '../libs/event-store/src/sqlite/sqlite-queries';
import type { BenchResult } from './bench-result';

const STREAMS = 100;
/** Batches written before the clock starts, so that the WAL file and caches are warm. */
const WARM_UP = 20;

interface Workload {
  batchSize: number;
  batches: number;
}

/**
 * Append throughput of the SQLite event store, against the floor of what SQLite itself can do:
 * the same rows inserted with raw better-sqlite3 statements into a table of the same shape, on a
 * connection with the same settings, one transaction per batch, with no revision check and no
 * idempotency lookup. Both write round-robin to 100 streams with a full fsync per commit.
 */
export async function benchEventStore(options: { quick: boolean }): Promise<BenchResult[]> {
  const workloads: Workload[] = options.quick
    ? [
        { batchSize: 1, batches: 300 },
        { batchSize: 100, batches: 30 },
      ]
    : [
        { batchSize: 1, batches: 3_000 },
        { batchSize: 100, batches: 300 },
      ];
  const rounds = options.quick ? 2 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-event-store-'));
  try {
    const results: BenchResult[] = [];
    for (const workload of workloads) {
      let adapter = 0;
      let raw = 0;
      for (let round = 0; round < rounds; round += 1) {
        raw = Math.max(raw, measureRaw(join(dir, `raw-${workload.batchSize}-${round}.db`), workload));
        adapter = Math.max(adapter, await measureAdapter(join(dir, `adapter-${workload.batchSize}-${round}.db`), workload));
      }
      const label = workload.batchSize === 1 ? 'single-event appends' : `${workload.batchSize}-event appends`;
      results.push({
        name: `event store (SQLite): ${label}`,
        value: Math.round(adapter),
        unit: 'events/s',
        baseline: { name: `raw better-sqlite3 inserts, ${workload.batchSize} per transaction`, value: Math.round(raw) },
        ratio: Number((adapter / raw).toFixed(3)),
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function batchOf(size: number): NewEvent[] {
  return Array.from({ length: size }, (_, index) => ({
    id: randomUUID(),
    type: 'BenchAppended.v1',
    data: { index, subject: randomUUID(), note: 'a short payload of about a hundred bytes' },
  }));
}

async function measureAdapter(file: string, { batchSize, batches }: Workload): Promise<number> {
  const store = SqliteEventStore.open(file);
  try {
    const streams = Array.from({ length: STREAMS }, () => `person-${randomUUID()}`);
    const work = Array.from({ length: WARM_UP + batches }, () => batchOf(batchSize));
    let started = process.hrtime.bigint();
    for (let i = 0; i < WARM_UP + batches; i += 1) {
      if (i === WARM_UP) started = process.hrtime.bigint();
      await store.append(streams[i % STREAMS], work[i]);
    }
    return eventsPerSecond(batchSize * batches, started);
  } finally {
    await store.close();
  }
}

function measureRaw(file: string, { batchSize, batches }: Workload): number {
  const db = openDatabase(file);
  try {
    db.exec(EVENTS_SCHEMA);
    const insert = db.prepare(
      'INSERT INTO es_events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const streams = Array.from({ length: STREAMS }, () => `person-${randomUUID()}`);
    const revisions = new Array<number>(STREAMS).fill(-1);
    const work = Array.from({ length: WARM_UP + batches }, () => batchOf(batchSize));
    const writeBatch = db.transaction((stream: number, events: NewEvent[]) => {
      const recordedAt = new Date().toISOString();
      for (const event of events) {
        revisions[stream] += 1;
        const { id, type, data } = event;
        insert.run(id, streams[stream], revisions[stream], type, JSON.stringify(data), '{}', recordedAt);
      }
    });
    let started = process.hrtime.bigint();
    for (let i = 0; i < WARM_UP + batches; i += 1) {
      if (i === WARM_UP) started = process.hrtime.bigint();
      writeBatch.immediate(i % STREAMS, work[i]);
    }
    return eventsPerSecond(batchSize * batches, started);
  } finally {
    db.close();
  }
}

function eventsPerSecond(events: number, started: bigint): number {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return events / seconds;
}
