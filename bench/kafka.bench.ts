import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import {
  agencyTopicConfigs,
  agencyTopics,
  KafkaDelivery,
  resolveKafkaDeliveryOptions,
  topicMessagesOf,
  type Outbound,
} from '@onestop/delivery';
import { batchesOf, testOutbound, testStream } from '../libs/delivery/testing/test-messages';
import type { BenchResult } from './bench-result';

const AGENCIES = 12;
const BATCH = 100;
const WARM_UP_BATCHES = 5;

interface Runner {
  /** Sends one batch and resolves once the brokers acknowledged it. */
  send(batch: readonly Outbound[], index: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Throughput and latency of the Kafka delivery for twelve agencies with realistic ~1 KB signed
 * CloudEvents, against the floor of what kafkajs itself does on the same broker in the same run:
 * an idempotent producer with `acks: -1` sending the very same records (values, keys, headers
 * and people-topic summaries already serialised, topics already created with the same settings).
 * The difference is the adapter's own work: serialising, ensuring topics, serialising batches.
 */
export async function benchKafka(options: { quick: boolean; brokers: string[] }): Promise<BenchResult[]> {
  const messages = options.quick ? 5_000 : 50_000;
  const pings = options.quick ? 100 : 500;
  const rounds = options.quick ? 1 : 3;
  const run = randomBytes(3).toString('hex');
  const agencies = Array.from({ length: AGENCIES }, (_, i) => `bench${i}-${run}`);
  const kafka = new Kafka({ clientId: 'onestop-bench', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const prefixes: string[] = [];
  const adapter = async (): Promise<Runner> => {
    const prefix = `bench-${run}-adapter-${prefixes.length}`;
    prefixes.push(prefix);
    const delivery = await KafkaDelivery.start({ brokers: options.brokers, topicPrefix: prefix, agencies, logLevel: 'nothing' });
    return { send: (batch) => delivery.deliver(batch), close: () => delivery.close() };
  };
  const raw = async (work: Outbound[][]): Promise<Runner> => {
    const prefix = `bench-${run}-raw-${prefixes.length}`;
    prefixes.push(prefix);
    return rawProducer(kafka, options.brokers, prefix, agencies, work);
  };

  try {
    const stream = testStream(agencies, 50, (WARM_UP_BATCHES * BATCH) + messages);
    const work = batchesOf(stream, BATCH);
    const singles = Array.from({ length: WARM_UP_BATCHES + pings }, (_, i) => [testOutbound(agencies[i % AGENCIES], `p-single-${i % 50}`)]);
    let [adapterRate, rawRate] = [0, 0];
    let adapterLatency = { p50: Infinity, p99: Infinity };
    let rawLatency = { p50: Infinity, p99: Infinity };
    for (let round = 0; round < rounds; round += 1) {
      rawLatency = best(rawLatency, await latency(await raw(singles), singles));
      adapterLatency = best(adapterLatency, await latency(await adapter(), singles));
      rawRate = Math.max(rawRate, await throughput(await raw(work), work));
      adapterRate = Math.max(adapterRate, await throughput(await adapter(), work));
    }
    const rawName = 'raw kafkajs idempotent producer, acks=-1, same records';
    return [
      {
        name: `Kafka delivery: ${BATCH}-message batches to ${AGENCIES} agencies (~1 KB CloudEvents)`,
        value: Math.round(adapterRate),
        unit: 'messages/s',
        baseline: { name: rawName, value: Math.round(rawRate) },
        ratio: Number((adapterRate / rawRate).toFixed(3)),
      },
      ...(['p50', 'p99'] as const).map((q) => ({
        name: `Kafka delivery: one message acknowledged, ${q} latency`,
        value: Number(adapterLatency[q].toFixed(2)),
        unit: 'ms',
        baseline: { name: rawName, value: Number(rawLatency[q].toFixed(2)) },
        ratio: Number((adapterLatency[q] / rawLatency[q]).toFixed(3)),
      })),
    ];
  } finally {
    await deleteTopics(kafka, prefixes);
  }
}

async function throughput(runner: Runner, work: Outbound[][]): Promise<number> {
  try {
    let started = process.hrtime.bigint();
    for (const [i, batch] of work.entries()) {
      if (i === WARM_UP_BATCHES) started = process.hrtime.bigint();
      await runner.send(batch, i);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return ((work.length - WARM_UP_BATCHES) * BATCH) / seconds;
  } finally {
    await runner.close();
  }
}

async function latency(runner: Runner, singles: Outbound[][]): Promise<{ p50: number; p99: number }> {
  try {
    const times: number[] = [];
    for (const [i, batch] of singles.entries()) {
      const started = process.hrtime.bigint();
      await runner.send(batch, i);
      if (i >= WARM_UP_BATCHES) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length * 0.5)], p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] };
  } finally {
    await runner.close();
  }
}

const best = (a: { p50: number; p99: number }, b: { p50: number; p99: number }) => ({ p50: Math.min(a.p50, b.p50), p99: Math.min(a.p99, b.p99) });

/** The baseline: topics created up front with the adapter's settings, records serialised before the clock starts. */
async function rawProducer(kafka: Kafka, brokers: string[], prefix: string, agencies: string[], work: Outbound[][]): Promise<Runner> {
  const settings = resolveKafkaDeliveryOptions({ brokers, topicPrefix: prefix, agencies });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: agencies.flatMap((a) => agencyTopicConfigs(agencyTopics(prefix, a), settings)), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const records: TopicMessages[][] = work.map((batch) => topicMessagesOf(batch, prefix));
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    send: async (_batch, index) => {
      await producer.sendBatch({ topicMessages: records[index], acks: -1, timeout: settings.ackTimeoutMs });
    },
    close: () => producer.disconnect(),
  };
}

async function deleteTopics(kafka: Kafka, prefixes: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(`${p}.`)));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
