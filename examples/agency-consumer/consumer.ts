import { type Admin, type IHeaders, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { describeHoldings, Holdings } from './holdings';
import { isHubMessage } from './hub-message';
import { type ConsumerOptions, parseOptions, USAGE } from './options';
import { HubKeys, verifyHubMessage } from './verify';

/*
 * The reference agency consumer: reads your agency's topics from the hub, keeps only messages
 * whose signature verifies against the hub's published keys, keeps each message once however
 * often it is delivered, deletes what retractions list, mirrors the people topic (a tombstone
 * deletes a person's summary), and prints what it holds. See README.md beside this file.
 */

interface Topics {
  events: string;
  people: string;
}

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/** Applies one record of either topic to the holdings; returns the log line. */
async function apply(topics: Topics, topic: string, partition: number, record: KafkaMessage, holdings: Holdings, keys: HubKeys): Promise<string> {
  const where = { topic, partition, offset: record.offset };
  const key = record.key?.toString('utf8');
  if (topic === topics.people) {
    if (!key) return holdings.reject({ ...where, reason: 'a people-topic record without a key' });
    if (record.value === null) return holdings.applyPerson(key, null, header(record.headers, 'onestop_sequence'));
    try {
      const summary = JSON.parse(record.value.toString('utf8')) as unknown;
      if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) throw new Error();
      return holdings.applyPerson(key, summary as Record<string, unknown>, header(record.headers, 'onestop_sequence'));
    } catch {
      return holdings.reject({ ...where, reason: 'a people-topic value that is not a JSON object' });
    }
  }
  let message: unknown;
  try {
    message = JSON.parse(record.value?.toString('utf8') ?? 'null');
  } catch {
    return holdings.reject({ ...where, reason: 'the value is not JSON' });
  }
  if (!isHubMessage(message)) return holdings.reject({ ...where, reason: 'the value is not a signed hub message' });
  const problem = await verifyHubMessage(message, keys);
  if (problem) return holdings.reject({ ...where, id: message.id, reason: problem });
  if (key !== message.subject) return holdings.reject({ ...where, id: message.id, reason: 'the record key is not the message subject' });
  return holdings.applyMessage(message);
}

/** Tells the hub which retractions were applied (`POST /v1/feed/acks`), so the DPO sees them done. */
async function acknowledge(options: ConsumerOptions, holdings: Holdings, log: (line: string) => void): Promise<void> {
  const pending = holdings.unacknowledged();
  if (!options.token || pending.length === 0) return;
  for (let i = 0; i < pending.length; i += 1000) {
    const ids = pending.slice(i, i + 1000);
    try {
      const res = await fetch(new URL('/v1/feed/acks', options.hub), {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ retractionIds: ids }),
        signal: AbortSignal.timeout(10_000),
      });
      // 400 means none of them is a retraction the hub sent to this agency: nothing to report again.
      if (res.status !== 200 && res.status !== 400) throw new Error(`the hub answered ${res.status}`);
      holdings.acknowledged(ids);
      log(`acknowledged ${ids.length} retractions to the hub${res.status === 400 ? ' (the hub did not know them)' : ''}`);
    } catch (error) {
      log(`warning: could not acknowledge retractions yet (${error instanceof Error ? error.message : String(error)}); will retry`);
      return;
    }
  }
  holdings.save();
}

/** Waits until both topics exist (the hub creates them when it first delivers to the agency). */
async function topicsExist(admin: Admin, topics: Topics, giveUp: boolean, log: (line: string) => void): Promise<boolean> {
  for (let waited = 0; ; waited += 1) {
    const existing = new Set(await admin.listTopics());
    if (existing.has(topics.events) && existing.has(topics.people)) return true;
    if (giveUp) return false;
    if (waited === 0) log(`waiting for ${topics.events} and ${topics.people} to exist ...`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** The end offset of every non-empty partition of the topics, as `topic:partition` → offset. */
async function endOffsets(admin: Admin, topics: Topics): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of [topics.events, topics.people]) {
    for (const p of await admin.fetchTopicOffsets(topic)) if (Number(p.high) > Number(p.low)) ends.set(`${topic}:${p.partition}`, Number(p.high));
  }
  return ends;
}

/** Where the group will resume on each partition, as `topic:partition` → offset (none when never committed). */
async function committedOffsets(admin: Admin, groupId: string, topics: Topics): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [topics.events, topics.people] })) {
    for (const p of partitions) if (Number(p.offset) >= 0) committed.set(`${topic}:${p.partition}`, Number(p.offset));
  }
  return committed;
}

async function main(): Promise<void> {
  let options: ConsumerOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  const log = (line: string) => options.quiet || console.error(line);
  const topics: Topics = { events: `${options.prefix}.${options.agency}.events`, people: `${options.prefix}.${options.agency}.people` };
  const keys = new HubKeys(new URL('/.well-known/jwks.json', options.hub));
  await keys.refresh();
  log(`hub signing keys: ${keys.kids.join(', ')} (from ${keys.url})`);
  const holdings = Holdings.open(options.state);
  const print = () => console.log(options.json ? JSON.stringify(holdings.report(options.agency), null, 2) : describeHoldings(holdings.report(options.agency)).join('\n'));

  const kafka = new Kafka({ clientId: options.group, brokers: options.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  if (!(await topicsExist(admin, topics, options.once, log))) {
    await admin.disconnect();
    print();
    return;
  }
  // Without a saved state (first run, or state kept in memory) read everything again from the start.
  if (holdings.fresh) for (const topic of [topics.events, topics.people]) await admin.resetOffsets({ groupId: options.group, topic, earliest: true });
  const ends = await endOffsets(admin, topics);
  const next = await committedOffsets(admin, options.group, topics);
  await admin.disconnect();
  if (options.once && ends.size === 0) {
    print();
    return;
  }

  const caughtUp = () => [...ends].every(([partition, end]) => (next.get(partition) ?? 0) >= end);
  let reachedEnd!: () => void;
  const atEnd = new Promise<void>((resolve) => (reachedEnd = resolve));
  if (caughtUp()) reachedEnd();

  const consumer = kafka.consumer({ groupId: options.group, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.events, topics.people], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      let last: string | undefined;
      try {
        for (const record of batch.messages) {
          if (!isRunning() || isStale()) break;
          log(await apply(topics, batch.topic, batch.partition, record, holdings, keys));
          resolveOffset(record.offset);
          last = record.offset;
          await heartbeat();
        }
      } finally {
        // Saved before the position is committed: after a crash, records are read again, and
        // dedupe by id makes that harmless; nothing is ever skipped.
        holdings.save();
        if (last !== undefined) {
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
          next.set(`${batch.topic}:${batch.partition}`, Number(last) + 1);
        }
      }
      await acknowledge(options, holdings, log);
      if (caughtUp()) reachedEnd();
    },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect();
    holdings.save();
    print();
    process.exit(code);
  };
  if (options.once) {
    const timer = setTimeout(() => {
      console.error(`did not reach the end of the topics within ${options.timeoutMs / 1000} s`);
      void stop(1);
    }, options.timeoutMs);
    await atEnd;
    clearTimeout(timer);
    await stop(0);
  }
  void atEnd.then(() => {
    log('caught up; holding:');
    if (!options.quiet) print();
  });
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
}

main().catch((error: unknown) => {
  console.error(`the consumer stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
