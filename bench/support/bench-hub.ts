import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Role } from '@onestop/domain';
import { HubProcess, HubProcessOptions, startHubProcess } from './hub-client';
import { mintToken, RECEIVER, RECORDER } from './partnership';
import { BenchManifest, generatePeople, keyOf, openRuntime, seedPartnership } from './seed';

/** A prepared data directory: the partnership, the agencies' keys and some people. */
export interface BenchData {
  dataDir: string;
  manifest: BenchManifest;
  people: string[];
  token(agencyId: string, roles: Role[], claims?: Record<string, unknown>): Promise<string>;
  remove(): void;
}

/** Creates a temporary data directory with the twelve-agency partnership and `people` people. */
export async function prepareData(options: { people: number; eventsPerPerson: number; prefix?: string }): Promise<BenchData> {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix ?? 'onestop-bench-'));
  const runtime = await openRuntime(dataDir);
  try {
    const manifest = await seedPartnership(runtime);
    const people = options.people > 0 ? await generatePeople(runtime, { people: options.people, eventsPerPerson: options.eventsPerPerson }) : [];
    return dataFor(dataDir, manifest, people);
  } finally {
    await runtime.close();
  }
}

/** Wraps an existing data directory. */
export function dataFor(dataDir: string, manifest: BenchManifest, people: string[]): BenchData {
  return {
    dataDir,
    manifest,
    people,
    token: (agencyId, roles, claims) => mintToken(keyOf(manifest, agencyId), roles, undefined, claims),
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Events the publisher has not yet delivered, read from the hub's SQLite file by another connection. */
export function publisherBacklog(dataDir: string, name = 'publisher'): number {
  const db = new Database(join(dataDir, 'hub.db'), { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'pub_checkpoints'").get();
    const done = hasTable ? ((db.prepare('SELECT position FROM pub_checkpoints WHERE name = ?').pluck().get(name) as number | undefined) ?? 0) : 0;
    return db.prepare('SELECT COUNT(*) FROM es_events WHERE position > ?').pluck().get(done) as number;
  } finally {
    db.close();
  }
}

/** Waits until the publisher delivered everything stored (or `timeoutMs` passed); returns the backlog left. */
export async function publisherCaughtUp(dataDir: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const backlog = publisherBacklog(dataDir);
    if (backlog === 0 || Date.now() > deadline) return backlog;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A running benchmark hub on prepared data, with the tokens the benchmarks use. */
export interface RunningHub {
  data: BenchData;
  hub: HubProcess;
  /** A caseworker of the recording agency (sms). */
  recorder: string;
  /** The receiving agency's (housing) system user, for its feed. */
  receiverSystem: string;
  /** A caseworker of the receiving agency, for reads. */
  receiverCaseworker: string;
  stop(): Promise<void>;
}

export async function startBenchHub(data: BenchData, options: HubProcessOptions = {}): Promise<RunningHub> {
  const hub = await startHubProcess(data.dataDir, options);
  const [recorder, receiverSystem, receiverCaseworker] = await Promise.all([
    data.token(RECORDER, ['caseworker']),
    data.token(RECEIVER, ['system']),
    data.token(RECEIVER, ['caseworker']),
  ]);
  return { data, hub, recorder, receiverSystem, receiverCaseworker, stop: () => hub.stop() };
}
