import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchResult } from './bench-result';
import { dataFor, publisherBacklog } from './support/bench-hub';
import { copyDataset, dataset } from './support/dataset';
import { send } from './support/http-load';
import { MainProcess, sampleResident, startMain, stopMain } from './support/main-process';
import { RECEIVER } from './support/partnership';
import { readManifest, openRuntime, seedPartnership } from './support/seed';
import { ratio, round } from './support/stats';

export interface MemoryBenchOptions {
  quick: boolean;
  /** Events in the dataset (default 1,000,000; quick 100,000). */
  events?: number;
  /** How long the publisher may take to reach the end (default 60 min; quick 5 s; `--memory-minutes`). */
  publisherBudgetMs?: number;
  log?: (line: string) => void;
}

/**
 * Peak resident memory of the real hub process (`dist/apps/hub/src/main.js`, `HUB_DEMO=false`)
 * started on a store holding the dataset's events, with read models projected and the feeds not
 * yet published: the publisher works through every event from the start (each person's consents
 * and summaries are cached as it meets them) while reads are served — histories, feed pages and
 * the referral list. Sampled from `/proc` every 100 ms (the kernel's high-water mark included).
 * Baseline: the same hub idle on a store with only the partnership.
 */
export async function benchMemory(options: MemoryBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const events = options.events ?? (options.quick ? 100_000 : 1_000_000);
  const budget = options.publisherBudgetMs ?? (options.quick ? 5_000 : 60 * 60_000);
  const source = await dataset(events, log);

  log('baseline: an idle hub on an empty store');
  const emptyDir = mkdtempSync(join(tmpdir(), 'onestop-bench-memory-empty-'));
  let idle: number;
  try {
    const runtime = await openRuntime(emptyDir);
    await seedPartnership(runtime);
    await runtime.close();
    const hub = await startMain(emptyDir);
    const sampler = sampleResident(hub.pid);
    for (let i = 0; i < 10; i += 1) {
      await send(hub.url, { method: 'GET', path: '/health' });
      await new Promise((r) => setTimeout(r, 100));
    }
    idle = sampler.stop();
    await stopMain(hub);
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }

  log(`copying the ${events.toLocaleString('en-GB')}-event dataset`);
  const dir = copyDataset(source, 'onestop-bench-memory-');
  let hub: MainProcess | undefined;
  try {
    const data = dataFor(dir, readManifest(dir), peopleOf(dir));
    const total = publisherBacklog(dir);
    const started = performance.now();
    hub = await startMain(dir);
    const sampler = sampleResident(hub.pid);
    log(`hub started in ${round((performance.now() - started) / 1000)} s; the publisher has ${total} events to deliver`);
    const caseworker = await data.token(RECEIVER, ['caseworker']);
    const system = await data.token(RECEIVER, ['system']);
    const reads = async () => {
      for (let i = 0; i < 5; i += 1) await send(hub!.url, { method: 'GET', path: `/v1/people/${data.people[(i * 7919) % data.people.length]}/history`, token: caseworker });
      let after = '0';
      for (let i = 0; i < 3; i += 1) {
        const reply = await send(hub!.url, { method: 'GET', path: `/v1/feed?after=${after}&limit=200`, token: system });
        after = reply.status === 200 ? (JSON.parse(reply.body) as { cursor: string }).cursor : after;
      }
      await send(hub!.url, { method: 'GET', path: '/v1/referrals', token: caseworker });
    };
    // Reads at the start and at the end only: while the publisher catches up, a read can wait
    // seconds for the event loop, and the loop must keep to the publisher's time budget.
    await reads();
    const deadline = performance.now() + budget;
    let backlog = total;
    let lastLog = performance.now();
    while (backlog > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      backlog = publisherBacklog(dir);
      if (performance.now() - lastLog > 60_000) {
        log(`  publisher at ${Math.round((100 * (total - backlog)) / total)}%, ${round(sampler.last())} MB resident`);
        lastLog = performance.now();
      }
    }
    await reads();
    const peak = sampler.stop();
    const published = Math.round((1000 * (total - backlog)) / total) / 10;
    log(`publisher delivered ${published}% of ${total} events in ${round((performance.now() - started) / 1000)} s; peak ${round(peak)} MB`);
    const results: BenchResult[] = [
      {
        name: `peak resident memory of the hub holding ${events.toLocaleString('en-GB')} events (publisher from the start, reads)`,
        value: round(peak),
        unit: 'MB',
        baseline: { name: 'the hub idle on an empty store', value: round(idle) },
        ratio: ratio(peak, idle),
      },
    ];
    if (backlog > 0) results.push({ name: `memory run: share of the ${events.toLocaleString('en-GB')} events the publisher delivered within ${round(budget / 1000)} s`, value: published, unit: '%' });
    return results;
  } finally {
    if (hub) await stopMain(hub);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ids of the people in a data directory. */
function peopleOf(dir: string): string[] {
  const db = new Database(join(dir, 'hub.db'), { readonly: true });
  try {
    return db.prepare('SELECT person_id FROM rm_people ORDER BY person_id LIMIT 10000').pluck().all() as string[];
  } finally {
    db.close();
  }
}
