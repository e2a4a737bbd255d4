import { Kafka, logLevel } from 'kafkajs';
import { HubError } from '@onestop/domain';
import { agencyTopics, KafkaDelivery, type HubCloudEvent, type Outbound } from '@onestop/delivery';
import {
  batchesOf,
  expectDelivered,
  LocalKafkaBroker,
  readTopic,
  sentTo,
  testStream,
  uniqueAgencyId,
} from '@onestop/delivery/testing';

/*
 * Fault tests on a private broker (docker/kafka/kafka.sh with its own directory and ports), so
 * that killing it never disturbs the broker other test files share.
 */
const unavailable = LocalKafkaBroker.unavailableReason();
if (unavailable) {
  if (process.env.CI === 'true') throw new Error(`the Kafka fault tests must run in CI, but ${unavailable}`);
  console.warn(`[kafka] skipping the Kafka fault tests: ${unavailable}`);
}
const describeFaults = unavailable ? describe.skip : describe;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeFaults('KafkaDelivery when the broker fails', () => {
  let broker: LocalKafkaBroker;

  beforeAll(async () => {
    broker = await LocalKafkaBroker.start();
  }, 120_000);

  afterAll(async () => {
    await broker?.destroy();
  }, 60_000);

  it('loses nothing and keeps each person’s order when the broker is killed mid-publish and restarted', async () => {
    const agencies = [uniqueAgencyId('fault-a'), uniqueAgencyId('fault-b'), uniqueAgencyId('fault-c')];
    const stream = testStream(agencies, 20, 2_000);
    const batches = batchesOf(stream, 50);
    const delivery = await KafkaDelivery.start({
      brokers: broker.brokers,
      topicPrefix: 'faults',
      agencies,
      retries: 3,
      ackTimeoutMs: 5_000,
      logLevel: 'nothing',
    });
    const failures: string[] = [];
    let acknowledged = 0;
    let acknowledgedAtKill = -1;
    let outage: Promise<void> = Promise.resolve();
    try {
      // The publisher's loop: a batch that fails is delivered again until the brokers acknowledge it.
      for (const [index, batch] of batches.entries()) {
        if (index === 10) {
          outage = broker
            .kill()
            .then(() => (acknowledgedAtKill = acknowledged))
            .then(() => sleep(2_000))
            .then(() => broker.restart());
        }
        for (;;) {
          try {
            await delivery.deliver(batch);
            acknowledged += 1;
            break;
          } catch (error) {
            failures.push(error instanceof HubError ? error.code : String(error));
            await sleep(250);
          }
        }
        await sleep(20); // the publisher's pace between polls of the store
      }
      await outage;
    } finally {
      await delivery.close();
    }

    expect(acknowledgedAtKill).toBeGreaterThanOrEqual(10);
    expect(acknowledgedAtKill).toBeLessThan(batches.length); // the broker died while batches were still being published
    expect(acknowledged).toBe(batches.length);
    expect(new Set(failures)).toEqual(new Set(failures.length ? ['delivery.unavailable'] : []));

    const kafka = new Kafka({ clientId: 'faults-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const received = await Promise.all(
      agencies.map(async (agencyId) =>
        (await readTopic(kafka, agencyTopics('faults', agencyId).events)).map((r) => JSON.parse(r.value!) as HubCloudEvent),
      ),
    );
    agencies.forEach((agencyId, i) => expectDelivered(received[i], sentTo(agencyId, stream)));
    const total = received.reduce((n, r) => n + r.length, 0);
    console.info(
      `[kafka faults] ${stream.length} messages in ${batches.length} batches; ${failures.length} failed deliveries ` +
        `retried; ${total - stream.length} duplicate records (same ids) after the restart`,
    );
  }, 180_000);

  it('rejects with delivery.unavailable while the broker is down, and delivers once it is back', async () => {
    const agencyId = uniqueAgencyId('down');
    const delivery = await KafkaDelivery.start({
      brokers: broker.brokers,
      topicPrefix: 'faults',
      agencies: [agencyId],
      retries: 2,
      logLevel: 'nothing',
    });
    const [batch]: Outbound[][] = batchesOf(testStream([agencyId], 3, 10), 10);
    try {
      await broker.kill();
      const error = await delivery.deliver(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('delivery.unavailable');

      await broker.restart();
      await delivery.deliver(batch);
    } finally {
      await delivery.close();
    }

    const kafka = new Kafka({ clientId: 'faults-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const received = (await readTopic(kafka, agencyTopics('faults', agencyId).events)).map((r) => JSON.parse(r.value!) as HubCloudEvent);
    expectDelivered(received, batch);
  }, 120_000);
});
