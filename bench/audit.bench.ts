import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditInput, SqliteAuditLog, SubjectRefs } from '@onestop/audit';
import { MessageSigner } from '@onestop/delivery';
import { openDatabase } from '@onestop/event-store';
import type { BenchResult } from './bench-result';
import { round } from './support/stats';

/** Options of the audit benchmark (`npm run bench -- --only audit`). */
export interface AuditBenchOptions {
  quick: boolean;
  /** Records in the log verified (default 1,000,000; quick 50,000). */
  records?: number;
  log?: (line: string) => void;
}

const AGENCIES = ['housing', 'police', 'sms', 'health', 'mental-health', 'benefits', 'probation', 'hope'];
const BATCH = 500;
/** Reads answered at the same moment, whose access records share one commit. */
const CONCURRENT = 50;

/** A realistic mix: the publisher's disclosures (with grounds) and caseworkers' reads, about 5,000 people. */
function records(n: number, start: number, people: string[]): AuditInput[] {
  return Array.from({ length: n }, (_, i) => {
    const agencyId = AGENCIES[(start + i) % AGENCIES.length];
    const at = new Date(Date.parse('2030-01-01T00:00:00Z') + (start + i) * 1000).toISOString();
    const personId = people[(start + i * 7919) % people.length];
    if ((start + i) % 3 === 0) {
      return { kind: 'access', at, agencyId, actor: `${agencyId}-caseworker-${i % 40}`, roles: ['caseworker'], purpose: 'direct-support', personId, categories: ['identity', 'accommodation'], fields: ['dateOfBirth', 'name', 'needs.accommodation'], detail: { action: 'read', events: 12 } };
    }
    const ground = { kind: 'grant', agreementId: 'one-stop-shop', version: 3, grant: 2, basis: 'public-task' };
    return {
      kind: 'disclosure',
      at,
      agencyId,
      actor: 'hub-publisher',
      purpose: 'direct-support',
      personId,
      categories: ['accommodation', 'identity'],
      fields: ['assessmentId', 'needs'],
      ref: `disclosure:${agencyId}:${randomUUID()}`,
      detail: { eventId: randomUUID(), eventType: 'NeedsAssessed.v1', basis: 'public-task', agreementId: 'one-stop-shop', agreementVersion: 3, grant: 2, grounds: { accommodation: ground, identity: ground } },
    };
  });
}

/**
 * The audit log on a real SQLite file (WAL, fsync on every commit, as the hub runs it): appends
 * one record per transaction (a lone read's access record), 50 concurrent reads' records in one
 * group commit, and 500 per transaction (a publisher batch), with a checkpoint signed every
 * 1,000 records; then the time to verify the whole log of
 * 1,000,000 records (quick: 50,000) against its chain and every signed checkpoint, with an
 * exported checkpoint as the DPO would pass it.
 */
export async function benchAudit(options: AuditBenchOptions): Promise<BenchResult[]> {
  const total = options.records ?? (options.quick ? 50_000 : 1_000_000);
  const say = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'onestop-bench-audit-'));
  const db = openDatabase(join(dir, 'hub.db'));
  try {
    const signer = await MessageSigner.fromPrivateJwk(await MessageSigner.generatePrivateJwk('bench'));
    const log = new SqliteAuditLog(db, { refs: new SubjectRefs(randomBytes(32)), signer, checkpointEvery: 1000 });
    const people = Array.from({ length: 5000 }, () => randomUUID());
    const singles = options.quick ? 300 : 2000;
    let started = performance.now();
    for (let i = 0; i < singles; i++) {
      log.append(records(1, i, people));
      if (i % 100 === 99) await log.settled();
    }
    await log.settled();
    const singleRate = singles / ((performance.now() - started) / 1000);
    say(`${singles} single-record appends: ${round(singleRate)} records/s`);
    const rounds = options.quick ? 20 : 100;
    started = performance.now();
    for (let r = 0; r < rounds; r++) await Promise.all(records(CONCURRENT, singles + r * CONCURRENT, people).map((input) => log.appendSoon([input])));
    const groupedRate = (rounds * CONCURRENT) / ((performance.now() - started) / 1000);
    say(`${rounds} x ${CONCURRENT} concurrent reads' records: ${round(groupedRate)} records/s`);
    started = performance.now();
    let written = singles + rounds * CONCURRENT;
    while (written < total) {
      const n = Math.min(BATCH, total - written);
      log.append(records(n, written, people));
      written += n;
      await log.settled();
      if (written % 100_000 === 0) say(`${written.toLocaleString('en-GB')} records written`);
    }
    const batchRate = (total - singles - rounds * CONCURRENT) / ((performance.now() - started) / 1000);
    const exported = await log.checkpoint();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const size = statSync(join(dir, 'hub.db')).size;
    say(`log of ${total.toLocaleString('en-GB')} records, ${log.checkpoints().length} checkpoints, ${Math.round(size / 2 ** 20)} MB; verifying`);
    const cpu = process.cpuUsage();
    const plain = await log.verify();
    const { user, system } = process.cpuUsage(cpu);
    const withExport = await log.verify({ exportedCheckpoint: exported });
    if (!plain.ok || !withExport.ok || plain.records !== total) throw new Error(`the benchmark log did not verify: ${JSON.stringify(plain)}`);
    const label = total.toLocaleString('en-GB');
    return [
      { name: 'audit: appends, 1 record per transaction (fsync each)', value: round(singleRate), unit: 'records/s' },
      { name: `audit: access records of ${CONCURRENT} concurrent reads (group commit)`, value: round(groupedRate), unit: 'records/s' },
      { name: `audit: appends, ${BATCH} records per transaction, checkpoint every 1,000`, value: round(batchRate), unit: 'records/s' },
      { name: `audit: verify ${label} records (chain + ${plain.checkpoints} signed checkpoints)`, value: round(plain.elapsedMs / 1000), unit: 's' },
      { name: `audit: verify ${label} records, CPU time`, value: round((user + system) / 1e6), unit: 's' },
      { name: `audit: verify ${label} records with an exported checkpoint`, value: round(withExport.elapsedMs / 1000), unit: 's' },
      { name: 'audit: verify throughput', value: round(total / (plain.elapsedMs / 1000)), unit: 'records/s' },
      { name: `audit: log size at ${label} records`, value: Math.round(size / 2 ** 20), unit: 'MB' },
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
