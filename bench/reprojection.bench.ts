import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { applyToSummary, emptySummary, EventRepository, PersonSummary } from '@onestop/application';
import { EventCodec, loadOrCreateHubSecrets, Pseudonymizer, SqliteKeyStore } from '@onestop/crypto';
import { AgencyProfile, AgreementVersion, ConsentLedger, evolveConsents, isSubjectEventType, PersonEvent } from '@onestop/domain';
import { openDatabase, SqliteEventStore } from '@onestop/event-store';
import { DecidableEvent, decide } from '@onestop/policy';
import type { BenchResult } from './bench-result';
import { dataset } from './support/dataset';
import { RECEIVER } from './support/partnership';
import { median, ratio, round } from './support/stats';

export interface ReprojectionBenchOptions {
  quick: boolean;
  /** Events in the dataset (default 1,000,000; quick 100,000). */
  events?: number;
  log?: (line: string) => void;
}

const PAGE = 1000;
const WARM_UP_EVENTS = 20_000;

/**
 * Re-projection of one agency's view after an agreement change: every event of the store is
 * read in global order, opened (personal fields decrypted), the person's consents folded, the
 * event decided for the agency under the agreements including the new version, and what is
 * permitted folded into that agency's summary of the person — the publisher's work for one
 * agency without signing or delivery. Baseline: the same pages read raw (SELECT + JSON.parse
 * of data and metadata) on the same file.
 */
export async function benchReprojection(options: ReprojectionBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const events = options.events ?? (options.quick ? 100_000 : 1_000_000);
  const rounds = options.quick ? 1 : 3;
  const data = await dataset(events, log);
  const db = openDatabase(join(data.dir, 'hub.db'));
  try {
    const secrets = loadOrCreateHubSecrets(data.dir);
    const repository = new EventRepository(new SqliteEventStore(db), new EventCodec(new SqliteKeyStore(db, secrets.masterKey)));
    const view = () => new AgencyView(repository, new Pseudonymizer(secrets.pseudonymSecret), RECEIVER);
    log('warm-up');
    await view().run(WARM_UP_EVENTS);
    readRaw(db, WARM_UP_EVENTS);
    const projected: number[] = [];
    const raw: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      log(`round ${r + 1}/${rounds}`);
      let started = performance.now();
      const count = readRaw(db);
      raw.push(count / ((performance.now() - started) / 1000));
      started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await view().run();
      projected.push(result.events / ((performance.now() - started) / 1000));
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / result.events);
      if (r === 0) log(`  ${result.events} events, ${result.permitted} permitted for ${RECEIVER}, ${result.people} people`);
    }
    const value = median(projected);
    const base = median(raw);
    return [
      {
        name: `re-projection of ${RECEIVER}'s view after an agreement change (${events.toLocaleString('en-GB')} events)`,
        value: round(value),
        unit: 'events/s',
        baseline: { name: 'raw SELECT + JSON.parse of the same rows', value: round(base) },
        ratio: ratio(value, base),
      },
      { name: 're-projection: CPU time per event', value: round(median(cpu)), unit: 'µs' },
    ];
  } finally {
    db.close();
  }
}

/** Reads every event (or the first `limit`) raw, page by page; returns how many. */
function readRaw(db: Database, limit = Infinity): number {
  const page = db.prepare('SELECT position, id, stream, revision, type, data, metadata, recorded_at FROM es_events WHERE position > ? ORDER BY position LIMIT ?');
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = page.all(after, PAGE) as Array<{ position: number; data: string; metadata: string }>;
    for (const row of rows) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
    }
    count += rows.length;
    if (rows.length < PAGE || count >= limit) return count;
    after = rows[rows.length - 1].position;
  }
}

/**
 * One agency's view of everyone, rebuilt from the store: per person, the consents so far and the
 * agency's summary. The agreement change is a new version of the town-centre agreement that
 * takes `contact` from the receiving agency and gives it `finances`, in force from the start.
 */
class AgencyView {
  private readonly agencies = new Map<string, AgencyProfile>();
  private readonly agreements: AgreementVersion[] = [];
  private readonly consents = new Map<string, ConsentLedger>();
  private readonly summaries = new Map<string, PersonSummary>();
  private permitted = 0;

  constructor(
    private readonly repository: EventRepository,
    private readonly pseudonyms: Pseudonymizer,
    private readonly agencyId: string,
  ) {}

  async run(limit = Infinity): Promise<{ events: number; permitted: number; people: number }> {
    let after: number | undefined;
    let count = 0;
    for (;;) {
      const page = await this.repository.store.readAll({ after, maxCount: PAGE });
      for (const recorded of page) this.apply(this.repository.open(recorded));
      count += page.length;
      if (page.length < PAGE || count >= limit) return { events: count, permitted: this.permitted, people: this.summaries.size };
      after = page[page.length - 1].position;
    }
  }

  private apply(event: ReturnType<EventRepository['open']>): void {
    if (event.type === 'AgencyRegistered.v1' || event.type === 'AgencyUpdated.v1') {
      const profile = event.data as AgencyProfile;
      this.agencies.set(profile.agencyId, profile);
      return;
    }
    if (event.type === 'AgreementVersionPublished.v1') {
      const version = event.data as AgreementVersion;
      this.agreements.push(version, changed(version));
      return;
    }
    const personId = event.metadata.personId;
    const agency = this.agencies.get(this.agencyId);
    if (!personId || !agency || !isSubjectEventType(event.type) || event.erased) return;
    let consents = this.consents.get(personId) ?? new Map();
    if (event.stream.startsWith('person-')) {
      consents = evolveConsents(consents, event as unknown as PersonEvent);
      this.consents.set(personId, consents);
    }
    const at = event.metadata.occurredAt;
    const decision = decide({ event: event as unknown as DecidableEvent, agency: { agencyId: agency.agencyId, kind: agency.kind }, agreements: this.agreements, consents, at, purpose: event.metadata.purpose });
    if (!decision.permit) return;
    this.permitted += 1;
    const previous = this.summaries.get(personId) ?? emptySummary(this.pseudonyms.pseudonym(this.agencyId, personId));
    this.summaries.set(personId, applyToSummary(previous, { type: event.type, data: decision.data, occurredAt: at }));
  }
}

/** The next version of an agreement: the receiver loses `contact` and gains `finances`, in force from the first version's start. */
function changed(version: AgreementVersion): AgreementVersion {
  return {
    ...version,
    version: version.version + 1,
    grants: version.grants.map((g) =>
      g.recipient === RECEIVER ? { ...g, categories: [...g.categories.filter((c) => c !== 'contact'), 'finances'] } : g,
    ),
  };
}
