import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { HubRuntime } from '@onestop/application';
import { agencyTopics, type HubCloudEvent, RETRACTION_TYPE, type RetractionData } from '@onestop/delivery';
import { readTopic, type KafkaRecord } from '@onestop/delivery/testing';
import type { HoldingsReport } from '../../examples/agency-consumer/holdings';
import type { TestHub } from '../support/hub-harness';

const ROOT = join(__dirname, '..', '..');
const LOADER = join(ROOT, 'libs/event-store/testing/child-process/register-typescript.js');
const CONSUMER = join(ROOT, 'examples/agency-consumer/consumer.ts');

/**
 * The shared broker of the run (KAFKA_BROKERS, set by jest's globalSetup), or undefined when
 * there is none: then the caller skips, except in CI, where a missing broker is an error.
 */
export function sharedBrokers(what: string): string[] | undefined {
  const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers?.length) return brokers;
  if (process.env.CI === 'true') throw new Error(`KAFKA_BROKERS is unset: ${what} must run in CI (see test/setup/kafka-broker.js)`);
  console.warn(`[kafka] KAFKA_BROKERS is unset: skipping ${what} (start a broker with: bash docker/kafka/kafka.sh up)`);
  return undefined;
}

export const kafkaClient = (brokers: string[]): Kafka =>
  new Kafka({ clientId: 'kafka-e2e', brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });

export async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Both topics of an agency as a consumer reads them, and the events topic's messages parsed. */
export interface AgencyTopicContents {
  events: KafkaRecord[];
  people: KafkaRecord[];
  messages: HubCloudEvent[];
}

export async function readAgency(kafka: Kafka, prefix: string, agencyId: string): Promise<AgencyTopicContents> {
  const topics = agencyTopics(prefix, agencyId);
  const [events, people] = await Promise.all([readTopic(kafka, topics.events), readTopic(kafka, topics.people)]);
  return { events, people, messages: events.map((r) => JSON.parse(r.value!) as HubCloudEvent) };
}

/** The last record per key of a people topic (what compaction keeps): key → summary, or null for a tombstone. */
export function latestPerKey(records: readonly KafkaRecord[]): Map<string, Record<string, unknown> | null> {
  const latest = new Map<string, Record<string, unknown> | null>();
  for (const r of records) latest.set(r.key!, r.value === null ? null : (JSON.parse(r.value) as Record<string, unknown>));
  return latest;
}

/**
 * Per person (subject), the first appearance of each message is in the order of its `sequence`
 * (the hub's position; a backfilled message sorts after the consent that released it, a
 * retraction after what it retracts), as an agency that orders by it expects. Returns the
 * subjects whose order is broken (none).
 */
export function outOfSequence(messages: readonly HubCloudEvent[]): string[] {
  const seen = new Set<string>();
  const last = new Map<string, string>();
  const broken = new Set<string>();
  for (const m of messages) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    if ((last.get(m.subject) ?? '') > m.sequence) broken.add(m.subject);
    last.set(m.subject, m.sequence);
  }
  return [...broken];
}

/** The ids an agency must still hold after applying every retraction it was sent. */
export function heldAfterRetractions(messages: readonly HubCloudEvent[]): string[] {
  const retractions = messages.filter((m) => m.type === RETRACTION_TYPE);
  const retracted = new Set(retractions.flatMap((m) => (m.data as unknown as RetractionData).retractedIds));
  return [...new Set(messages.filter((m) => m.type !== RETRACTION_TYPE && !retracted.has(m.id)).map((m) => m.id))].sort();
}

/**
 * What a publisher that never met a fault delivers over the same store: a copy of the hub's data
 * directory, its publisher journal and feeds emptied, published again to the HTTP feed alone
 * (every agency's messages there, whatever delivery it chose). Messages are deterministic (event
 * ids, derived retraction ids, Ed25519 signatures), so they must equal what went to Kafka.
 * Returns each agency's messages in delivery order.
 */
export async function cleanRun(hub: TestHub, source: string): Promise<Map<string, HubCloudEvent[]>> {
  const copy = mkdtempSync(join(tmpdir(), 'onestop-kafka-clean-'));
  try {
    cpSync(join(hub.dataDir, 'secrets'), join(copy, 'secrets'), { recursive: true });
    await hub.runtime.db.backup(join(copy, 'hub.db'));
    const db = new Database(join(copy, 'hub.db'));
    const journal = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'pub\\_%' ESCAPE '\\' OR name = 'feed_messages')").pluck().all() as string[];
    for (const table of journal) db.exec(`DELETE FROM ${table}`);
    db.close();
    const runtime = await HubRuntime.open({ dataDir: copy, store: 'sqlite', source });
    try {
      const [last] = await runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
      // Every message as it is handed to the feed: the feed itself stops serving what a later
      // retraction names, and Kafka's events topic keeps it.
      const byAgency = new Map<string, HubCloudEvent[]>();
      const seen = new Set<string>();
      const deliver = runtime.feed.deliver.bind(runtime.feed);
      runtime.feed.deliver = async (batch) => {
        await deliver(batch);
        for (const o of batch.filter((o) => !seen.has(`${o.agencyId} ${o.message.id}`))) {
          seen.add(`${o.agencyId} ${o.message.id}`);
          byAgency.set(o.agencyId, [...(byAgency.get(o.agencyId) ?? []), o.message]);
        }
      };
      const publisher = runtime.startPublisher({ feed: true });
      if (!(await publisher.waitFor(last.position, 120_000))) throw new Error('the clean run did not finish');
      return byAgency;
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Waits until the test hub's in-process publisher has delivered every event stored now. */
export async function publishedAll(hub: TestHub, timeoutMs = 120_000): Promise<void> {
  const [last] = await hub.runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
  if (!(await hub.runtime.publisher!.waitFor(last.position, timeoutMs))) throw new Error(`the publisher did not reach position ${last.position}`);
}

export interface ConsumerRun {
  code: number | null;
  report: HoldingsReport;
  stderr: string;
}

/** Runs the reference consumer (`examples/agency-consumer`) as its own process in `--once --json` mode. */
export function runReferenceConsumer(options: { agency: string; hub: string; brokers: string[]; prefix: string; token?: string; extra?: string[] }): Promise<ConsumerRun> {
  const args = ['--agency', options.agency, '--hub', options.hub, '--brokers', options.brokers.join(','), '--prefix', options.prefix, '--once', '--json', '--timeout', '90', ...(options.extra ?? [])];
  const child = spawn(process.execPath, ['-r', LOADER, CONSUMER, ...args], {
    cwd: ROOT,
    env: { ...process.env, ONESTOP_TOKEN: options.token ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout) as HoldingsReport, stderr });
      } catch {
        reject(new Error(`the reference consumer for ${options.agency} exited with ${code} without a report:\n${stdout}\n${stderr}`));
      }
    });
  });
}
