import { randomUUID } from 'node:crypto';
import { KafkaJSError, type Kafka } from 'kafkajs';

/** One record of a topic as a consumer sees it (headers decoded as UTF-8). */
export interface KafkaRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * Everything on `topic` up to the high watermark at the time of the call (all that the brokers
 * acknowledged), read by a fresh consumer group from the beginning, as an agency's consumer
 * would: partition by partition, each in offset order. A topic that does not exist reads as empty.
 */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<KafkaRecord[]> {
  const targets = await highWatermarks(kafka, topic, Date.now() + timeoutMs);
  if (targets.size === 0) return [];

  const records = new Map<string, KafkaRecord>();
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)), timeoutMs);
      const pending = new Set(targets.keys());
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(m.headers ?? {})) if (value !== undefined) headers[name] = String(value);
              records.set(`${batch.partition}:${m.offset}`, {
                partition: batch.partition,
                offset: Number(m.offset),
                key: m.key === null ? null : m.key.toString('utf8'),
                value: m.value === null ? null : m.value.toString('utf8'),
                headers,
              });
              if (Number(m.offset) + 1 >= targets.get(batch.partition)!) pending.delete(batch.partition);
            }
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return [...records.values()]
    .filter((r) => r.offset < targets.get(r.partition)!)
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * The high watermark of each non-empty partition (none when the topic does not exist). Retries
 * the transient errors a broker answers for a topic created a moment ago (not leader yet).
 */
async function highWatermarks(kafka: Kafka, topic: string, deadline: number): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      try {
        if (!(await admin.listTopics()).includes(topic)) return new Map();
        const offsets = await admin.fetchTopicOffsets(topic);
        return new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
      } catch (error) {
        if (!(error instanceof KafkaJSError && error.retriable) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
