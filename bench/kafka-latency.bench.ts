import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { agencyTopicConfigs, agencyTopics, resolveKafkaDeliveryOptions } from '@onestop/delivery';
import type { BenchResult } from './bench-result';
import { prepareData, publisherCaughtUp } from './support/bench-hub';
import { CommandKind, commandFor, RESOURCE_ID } from './support/commands';
import { pacedLoad } from './support/http-load';
import { startMain, stopMain } from './support/main-process';
import { mintToken, RECEIVER, RECORDER } from './support/partnership';
import { keyOf } from './support/seed';
import { percentile, ratio, round } from './support/stats';

export interface KafkaLatencyBenchOptions {
  quick: boolean;
  brokers: string[];
  log?: (line: string) => void;
}

interface Sample {
  acked?: number;
  delivered?: number;
}

/** The compiled publisher app (`dist/apps/publisher/src/main.js`), relative to `dist/bench`. */
const PUBLISHER_JS = join(__dirname, '..', 'apps', 'publisher', 'src', 'main.js');

/** The two ways the hub can run its publisher against Kafka. */
const TOPOLOGIES = [
  { key: 'app', label: 'publisher app beside the API, HUB_DELIVERY=kafka' },
  { key: 'in-process', label: 'publisher in the hub process, HUB_DELIVERY=kafka' },
] as const;

/**
 * Command-to-consumer latency on Kafka: commands of the caseworker mix (recorded by `sms`, each
 * also for `housing`) are sent at a fixed rate while an agency's kafkajs consumer follows
 * `housing`'s events topic; for each command, the time from its 201 reply to its message being
 * consumed. Two topologies on the same prepared data, both the real entry points:
 * - scale-out: the hub (`main.js`, HUB_PUBLISHER=false) and the publisher app beside it; the app
 *   is not woken by the API's appends (another process) and polls the store every 100 ms when
 *   idle, which the figure includes;
 * - one process: the hub with its own publisher (`npm start` with HUB_DELIVERY=kafka), woken by
 *   each append.
 * Baseline: kafkajs alone on the same broker — one message of the median size of the hub's
 * messages produced (idempotent, acks=-1, as the adapter does) and consumed by the same kind of
 * consumer, one at a time: the floor any Kafka delivery pays.
 */
export async function benchKafkaLatency(options: KafkaLatencyBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const seconds = options.quick ? 1 : 10;
  const rates = options.quick ? [100] : [100, 1000];
  const run = randomBytes(3).toString('hex');
  const kafka = new Kafka({ clientId: 'onestop-bench-latency', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const data = await prepareData({ people: options.quick ? 100 : 1000, eventsPerPerson: 4, prefix: 'onestop-bench-kafka-latency-' });
  const prefixes: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    const recorder = await mintToken(keyOf(data.manifest, RECORDER), ['caseworker']);
    const measured: Array<{ topology: (typeof TOPOLOGIES)[number]; rate: number; latencies: number[]; missing: number; errors: number; sent: number }> = [];
    const sizes: number[] = [];
    let counter = 0;
    for (const topology of TOPOLOGIES) {
      const prefix = `bench-latency-${run}-${topology.key}`;
      prefixes.push(prefix);
      const env = { KAFKA_BROKERS: options.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix };
      log(`${topology.label}: starting`);
      // The hub as `npm start` runs it; in the first topology without its publisher, with the app beside it.
      const hub = await startMain(data.dataDir, { ...env, HUB_DELIVERY: 'kafka', HUB_PUBLISHER: String(topology.key === 'in-process') });
      stops.push(() => stopMain(hub));
      if (topology.key === 'app') {
        const publisher = await startPublisherApp(data.dataDir, { ...env, HUB_DELIVERY: 'kafka' });
        stops.push(() => stopProcess(publisher));
      }
      const url = hub.url;
      if ((await publisherCaughtUp(data.dataDir, 120_000)) > 0) throw new Error('the publisher did not deliver the prepared data within 120 s');

      const byResource = new Map<string, Sample>();
      const early = new Map<string, number>();
      const follower = await follow(kafka, agencyTopics(prefix, RECEIVER).events, (value, at) => {
        const message = JSON.parse(value.toString('utf8')) as { data?: Record<string, unknown> };
        const id = Object.values(RESOURCE_ID)
          .map((field) => message.data?.[field])
          .find((v): v is string => typeof v === 'string');
        if (!id) return;
        const sample = byResource.get(id);
        if (sample) {
          sample.delivered ??= at;
          sizes.push(value.length);
        } else if (!early.has(id)) early.set(id, at);
      });
      stops.push(() => follower.stop());

      const load = async (rate: number, durationMs: number) => {
        const samples: Sample[] = [];
        const kinds: CommandKind[] = [];
        const base = counter;
        const result = await pacedLoad({
          url,
          rate,
          durationMs,
          next: (i) => {
            const command = commandFor(base + i, data.people, recorder);
            kinds[i] = command.kind;
            samples[i] = {};
            return command.spec;
          },
          onReply: (i, reply) => {
            if (reply.status !== 201 && reply.status !== 200) return;
            const sample = samples[i];
            sample.acked = reply.at;
            const id = (JSON.parse(reply.body) as Record<string, string>)[RESOURCE_ID[kinds[i]]];
            byResource.set(id, sample);
            if (early.has(id)) sample.delivered = early.get(id);
          },
        });
        counter += result.sent;
        const acked = samples.filter((s) => s?.acked !== undefined);
        const deadline = Date.now() + 30_000;
        while (acked.some((s) => s.delivered === undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const delivered = acked.filter((s) => s.delivered !== undefined);
        return { latencies: delivered.map((s) => Math.max(0, s.delivered! - s.acked!)), missing: acked.length - delivered.length, errors: result.errors, sent: result.sent };
      };

      log(`${topology.label}: warm-up`);
      await load(100, 1000);
      await publisherCaughtUp(data.dataDir, 60_000);
      for (const rate of rates) {
        log(`${topology.label}: ${rate}/s for ${seconds} s`);
        const m = await load(rate, seconds * 1000);
        if (m.missing > 0 || m.errors > 0) log(`  ${m.errors} commands failed; ${m.missing} acknowledged commands not consumed from the topic after 30 s`);
        measured.push({ topology, rate, ...m });
        log(`${topology.label}: waiting for the publisher to catch up`);
        await publisherCaughtUp(data.dataDir, 60_000);
      }
      log(`${topology.label}: stopping`);
      while (stops.length) await stops.pop()!().catch(() => undefined);
    }

    const size = Math.round(percentile(sizes, 50));
    log(`baseline: raw produce→consume of ${size}-byte messages`);
    const rawPrefix = `bench-latency-${run}-raw`;
    prefixes.push(rawPrefix);
    const raw = await rawRoundTrips(kafka, options.brokers, rawPrefix, size, options.quick ? 200 : 1000);
    const rawName = (p: number) => `raw kafkajs produce→consume of one ${size}-byte message at a time (idempotent, acks=-1): p${p}`;
    return measured.flatMap(({ topology, rate, latencies, missing, errors, sent }) => [
      ...[50, 99].map((p) => ({
        name: `command-to-Kafka-consumer latency at ${rate}/s: p${p} (201 reply to message consumed from ${RECEIVER}'s topic; ${topology.label})`,
        value: round(percentile(latencies, p)),
        unit: 'ms',
        baseline: { name: rawName(p), value: round(percentile(raw, p)) },
        ratio: ratio(percentile(latencies, p), percentile(raw, p)),
      })),
      // Latencies are of acknowledged commands only: say how many the hub refused or the client shed.
      ...(errors > 0 ? [{ name: `command-to-Kafka-consumer at ${rate}/s (${topology.label}): commands failed or shed, of ${sent} due`, value: errors, unit: 'commands' }] : []),
      ...(missing > 0 ? [{ name: `command-to-Kafka-consumer at ${rate}/s (${topology.label}): acknowledged commands not consumed after 30 s`, value: missing, unit: 'messages' }] : []),
    ]);
  } finally {
    while (stops.length) await stops.pop()!().catch(() => undefined);
    data.remove();
    for (const prefix of prefixes) await deleteTopics(kafka, prefix).catch(() => undefined);
  }
}

interface Follower {
  stop(): Promise<void>;
}

/** A kafkajs consumer in a group of its own, from the start of the topic, calling `onRecord` with when each batch arrived. */
async function follow(kafka: Kafka, topic: string, onRecord: (value: Buffer, at: number) => void): Promise<Follower> {
  // A short fetch wait: the broker answers a fetch as soon as a record is there, so this costs no
  // latency, and disconnecting waits for the fetch in flight (5 s with the default).
  const consumer = kafka.consumer({ groupId: `bench-latency-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const at = performance.now();
      for (const m of batch.messages) if (m.value) onRecord(m.value, at);
    },
  });
  await joined;
  return { stop: () => consumer.disconnect() };
}

/** Produce→consume round trips of single messages of `size` bytes on a topic with the adapter's settings. */
async function rawRoundTrips(kafka: Kafka, brokers: string[], prefix: string, size: number, count: number): Promise<number[]> {
  const topics = agencyTopics(prefix, 'raw-baseline');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: agencyTopicConfigs(topics, resolveKafkaDeliveryOptions({ brokers, topicPrefix: prefix, agencies: [] })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const waiting = new Map<string, (at: number) => void>();
  const follower = await follow(kafka, topics.events, (value, at) => waiting.get(value.subarray(0, 36).toString('utf8'))?.(at));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < count + 20; i += 1) {
      const id = randomUUID();
      const value = Buffer.alloc(Math.max(size, 64), 'x');
      value.write(id, 0, 'utf8');
      const consumed = new Promise<number>((resolve) => waiting.set(id, resolve));
      const started = performance.now();
      await producer.send({ topic: topics.events, acks: -1, messages: [{ key: `psn_${i % 50}`, value }] });
      const at = await consumed;
      waiting.delete(id);
      if (i >= 20) times.push(at - started);
    }
    return times;
  } finally {
    await producer.disconnect();
    await follower.stop();
  }
}

/** Starts the publisher app on the data directory; resolves once it reports it started. */
function startPublisherApp(dataDir: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [PUBLISHER_JS], { env: { ...process.env, HUB_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the publisher app did not start within 60 s:\n${output.slice(-2000)}`));
    }, 60_000);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/publisher started/.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the publisher app exited (${code}) before starting:\n${output.slice(-2000)}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
