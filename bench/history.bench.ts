import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './bench-result';
import { openDatabase } from '@onestop/event-store';
import { prepareData, publisherCaughtUp, RunningHub, startBenchHub } from './support/bench-hub';
import { call, send } from './support/http-load';
import { RECEIVER } from './support/partnership';
import { percentile, ratio, round } from './support/stats';

export interface HistoryBenchOptions {
  quick: boolean;
  cpuProfileDir?: string;
  /** The hub's publisher on the API's event loop instead of its own thread (`--publisher-on-loop`). */
  publisherOnLoop?: boolean;
  log?: (line: string) => void;
}

const EVENTS = 1000;

/**
 * `GET /v1/people/{id}/history` for a person with 1,000 events (check-ins, assessments, a consent,
 * referrals), read by the receiving agency's caseworker so that every event is decided and
 * filtered; requests one after another on a hub in its own process. Baseline: the same 1,000
 * rows read raw from the SQLite file (SELECT + JSON.parse), the same number of times.
 */
export async function benchHistory(options: HistoryBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const requests = options.quick ? 40 : 300;
  const warmUp = options.quick ? 5 : 30;
  const data = await prepareData({ people: 1, eventsPerPerson: EVENTS, prefix: 'onestop-bench-history-' });
  let running: RunningHub | undefined;
  try {
    const [personId] = data.people;
    const streams = rowsOf(data.dataDir, personId);
    if (streams.rows !== EVENTS) log(`  the person has ${streams.rows} events`);
    running = await startBenchHub(data, { cpuProfileDir: options.cpuProfileDir, publisherOnLoop: options.publisherOnLoop });
    await publisherCaughtUp(data.dataDir, 120_000);
    const spec = { method: 'GET' as const, path: `/v1/people/${personId}/history`, token: running.receiverCaseworker };
    const first = await call<{ events: unknown[] }>(running.hub.url, spec);
    log(`${first.events.length} of ${streams.rows} events visible to ${RECEIVER}; ${requests} requests`);
    for (let i = 0; i < warmUp; i += 1) await send(running.hub.url, spec);
    const again = await timedReads(running, [spec], requests);
    // The hub keeps each event's last decision for the next read by the same viewer while the
    // grounds in force for them stay the same. Reads alternating between two purposes find none
    // to reuse: each decides all 1,000 events afresh, as the first read after a change does.
    const referralSpec = { ...spec, token: await data.token(RECEIVER, ['caseworker'], { purpose: 'referral' }) };
    const referralView = await call<{ events: unknown[] }>(running.hub.url, referralSpec);
    log(`${referralView.events.length} visible for the purpose referral; ${requests} reads alternating between the two purposes`);
    const afresh = await timedReads(running, [spec, referralSpec], requests);
    // The same reads by curl on one kept-alive connection: a client that takes the body as fast
    // as it comes. Node's HTTP client here takes 5-7 ms to receive a 700 KB body over loopback.
    const byCurl = await curlReads(running.hub.url, [spec], warmUp, requests);
    const byCurlAfresh = byCurl && (await curlReads(running.hub.url, [spec, referralSpec], warmUp, requests));
    if (!byCurl) log('curl is not installed: no figures for reads by curl');
    const raw = rawReads(data.dataDir, streams.names, warmUp, requests);
    const figures = (series: Timed, label: string): BenchResult[] =>
      [50, 99]
        .map((p): BenchResult => {
          const value = percentile(series.latencies, p);
          const base = percentile(raw, p);
          return {
            name: `GET /v1/people/{id}/history, ${streams.rows} events${label}: p${p}`,
            value: round(value),
            unit: 'ms',
            baseline: { name: `raw SQLite read of the same ${streams.rows} rows: p${p}`, value: round(base) },
            ratio: ratio(value, base),
          };
        })
        .concat(
          [50, 99].map((p) => ({
            name: `GET /v1/people/{id}/history, ${streams.rows} events${label}: p${p} to the first byte (the hub's work; the rest is the body's transfer over loopback)`,
            value: round(percentile(series.firstByte, p)),
            unit: 'ms',
          })),
        )
        .concat({ name: `GET /v1/people/{id}/history, ${streams.rows} events${label}: hub CPU time per request`, value: round(series.cpuMs), unit: 'ms' });
    const curlFigures = (latencies: number[] | undefined, label: string): BenchResult[] =>
      latencies
        ? [50, 99].map((p) => ({
            name: `GET /v1/people/{id}/history, ${streams.rows} events${label}: p${p}, whole reply received by curl (one kept-alive connection)`,
            value: round(percentile(latencies, p)),
            unit: 'ms',
            baseline: { name: `raw SQLite read of the same ${streams.rows} rows: p${p}`, value: round(percentile(raw, p)) },
            ratio: ratio(percentile(latencies, p), percentile(raw, p)),
          }))
        : [];
    const afreshLabel = ', every event decided afresh (two purposes alternating)';
    return [...figures(again, ''), ...curlFigures(byCurl, ''), ...figures(afresh, afreshLabel), ...curlFigures(byCurlAfresh, afreshLabel)];
  } finally {
    await running?.stop();
    data.remove();
  }
}

interface Timed {
  latencies: number[];
  /** Until the reply's headers arrived: the hub's work, without the body's transfer. */
  firstByte: number[];
  cpuMs: number;
}

/** `count` reads one after another, cycling through `specs`: each one's latency, and the hub's CPU time per read. */
async function timedReads(running: RunningHub, specs: ReadonlyArray<Parameters<typeof send>[1]>, count: number): Promise<Timed> {
  const latencies: number[] = [];
  const firstByte: number[] = [];
  const cpuBefore = await running.hub.cpuMicros();
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const reply = await send(running.hub.url, specs[i % specs.length]);
    if (reply.status !== 200) throw new Error(`history answered ${reply.status}`);
    latencies.push(reply.at - started);
    firstByte.push((reply.headersAt ?? reply.at) - started);
  }
  return { latencies, firstByte, cpuMs: ((await running.hub.cpuMicros()) - cpuBefore) / 1000 / count };
}

/**
 * `warmUp + count` reads by one curl process, cycling through `specs` on one kept-alive
 * connection (options given on stdin, so that no token is on a command line); each measured
 * read's whole time (`time_total`), or undefined when curl is not installed.
 */
async function curlReads(url: string, specs: ReadonlyArray<Parameters<typeof send>[1]>, warmUp: number, count: number): Promise<number[] | undefined> {
  const config = Array.from({ length: warmUp + count }, (_, i) => {
    const spec = specs[i % specs.length];
    return [`url = "${url}${spec.path}"`, `header = "authorization: Bearer ${spec.token}"`, 'output = "/dev/null"', 'silent', 'show-error', 'write-out = "%{http_code} %{time_total}\\n"'].join('\n');
  }).join('\nnext\n');
  const output = await new Promise<string | undefined>((resolve, reject) => {
    const child = spawn('curl', ['--config', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(undefined) : reject(error)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited with ${code}`))));
    // curl missing or gone early: the spawn error or the exit code says so, not a broken pipe.
    child.stdin.on('error', () => undefined);
    child.stdin.end(config);
  });
  if (output === undefined) return undefined;
  const replies = output.trim().split('\n').map((line) => line.split(' '));
  const failed = replies.find(([status]) => status !== '200');
  if (failed || replies.length !== warmUp + count) throw new Error(`curl: history answered ${failed?.[0] ?? `${replies.length} of ${warmUp + count} times`}`);
  return replies.slice(warmUp).map(([, seconds]) => Number(seconds) * 1000);
}

/** The person's streams (their own and their referrals') and how many events they hold. */
function rowsOf(dataDir: string, personId: string): { names: string[]; rows: number } {
  const db = openDatabase(join(dataDir, 'hub.db'));
  try {
    const referrals = db.prepare('SELECT referral_id FROM rm_referrals WHERE person_id = ?').pluck().all(personId) as string[];
    const names = [`person-${personId}`, ...referrals.map((id) => `referral-${id}`)];
    const rows = names.reduce((n, s) => n + (db.prepare('SELECT COUNT(*) FROM es_events WHERE stream = ?').pluck().get(s) as number), 0);
    return { names, rows };
  } finally {
    db.close();
  }
}

/** Times reading the streams' rows raw (in position order, data and metadata parsed). */
function rawReads(dataDir: string, streams: string[], warmUp: number, times: number): number[] {
  const db = openDatabase(join(dataDir, 'hub.db'));
  try {
    const read = db.prepare(
      `SELECT position, id, stream, revision, type, data, metadata, recorded_at FROM es_events WHERE stream IN (${streams.map(() => '?').join(',')}) ORDER BY position`,
    );
    const once = () => (read.all(...streams) as Array<{ data: string; metadata: string }>).map((r) => [JSON.parse(r.data), JSON.parse(r.metadata)]);
    for (let i = 0; i < warmUp; i += 1) once();
    return Array.from({ length: times }, () => {
      const started = performance.now();
      once();
      return performance.now() - started;
    });
  } finally {
    db.close();
  }
}
