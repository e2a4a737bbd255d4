import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { HubError } from '@onestop/domain';
import {
  agencyTopics,
  KafkaDelivery,
  MessageSigner,
  verifyMessage,
  type HubCloudEvent,
  type KafkaDeliveryOptions,
} from '@onestop/delivery';
import {
  describeDeliveryContract,
  pseudonym,
  readTopic,
  testOutbound,
  uniqueAgencyId,
  type KafkaRecord,
} from '@onestop/delivery/testing';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
if (!brokers?.length) {
  if (process.env.CI === 'true') throw new Error('KAFKA_BROKERS is unset: the Kafka delivery tests must run in CI (see test/setup/kafka-broker.js)');
  console.warn('[kafka] KAFKA_BROKERS is unset: skipping the Kafka delivery tests (start a broker with: bash docker/kafka/kafka.sh up)');
}

/** A client for reading topics back and inspecting them, as an agency's tooling would. */
function client(list: string[]): Kafka {
  return new Kafka({ clientId: 'delivery-int-spec', brokers: list, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

function uniquePrefix(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

const parse = (records: KafkaRecord[]): HubCloudEvent[] => records.map((r) => JSON.parse(r.value!) as HubCloudEvent);

if (!brokers?.length) {
  describe.skip('KafkaDelivery (needs KAFKA_BROKERS)', () => {
    it('runs against a broker', () => undefined);
  });
} else {
  const kafka = client(brokers);
  const startOptions = (topicPrefix: string, more: Partial<KafkaDeliveryOptions> = {}): KafkaDeliveryOptions => ({
    brokers,
    topicPrefix,
    agencies: [],
    logLevel: 'nothing',
    ...more,
  });

  describeDeliveryContract('KafkaDelivery', async () => {
    const prefix = uniquePrefix('contract');
    let delivery = await KafkaDelivery.start(startOptions(prefix));
    return {
      delivery,
      read: async (agencyId) => parse(await readTopic(kafka, agencyTopics(prefix, agencyId).events)),
      restart: async () => {
        await delivery.close();
        delivery = await KafkaDelivery.start(startOptions(prefix));
        return delivery;
      },
      cleanup: async () => {
        await delivery.close();
        await deleteTopicsWithPrefix(kafka, prefix);
      },
    };
  });

  describe('KafkaDelivery', () => {
    let prefix: string;
    let delivery: KafkaDelivery | undefined;

    beforeEach(() => {
      prefix = uniquePrefix('kafka');
    });

    afterEach(async () => {
      await delivery?.close();
      delivery = undefined;
      await deleteTopicsWithPrefix(kafka, prefix);
    });

    async function configsOf(topic: string): Promise<Record<string, string>> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { resources } = await admin.describeConfigs({ resources: [{ type: 2 /* TOPIC */, name: topic }], includeSynonyms: false });
        return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
      } finally {
        await admin.disconnect();
      }
    }

    async function partitionsOf(topic: string): Promise<number> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return topics[0].partitions.length;
      } finally {
        await admin.disconnect();
      }
    }

    it('creates each agency’s topics at start with explicit settings', async () => {
      const agencyId = uniqueAgencyId('police');
      delivery = await KafkaDelivery.start(startOptions(prefix, { agencies: [agencyId], partitions: 4 }));
      const topics = agencyTopics(prefix, agencyId);

      const events = await configsOf(topics.events);
      const people = await configsOf(topics.people);
      expect(topics).toEqual({ events: `${prefix}.${agencyId}.events`, people: `${prefix}.${agencyId}.people` });
      expect([await partitionsOf(topics.events), await partitionsOf(topics.people)]).toEqual([4, 4]);
      expect(events).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': String(30 * 86_400_000), 'min.insync.replicas': '1' });
      expect(people).toMatchObject({
        'cleanup.policy': 'compact',
        'delete.retention.ms': String(7 * 86_400_000),
        'min.compaction.lag.ms': '60000',
        'min.insync.replicas': '1',
      });
    });

    it('creates the topics of an agency registered later on its first delivery', async () => {
      delivery = await KafkaDelivery.start(startOptions(prefix, { eventsRetentionMs: 3_600_000 }));
      const agencyId = uniqueAgencyId('later');
      const message = testOutbound(agencyId, pseudonym());

      await delivery.deliver([message]);

      expect(await configsOf(agencyTopics(prefix, agencyId).events)).toMatchObject({ 'retention.ms': '3600000' });
      expect(await configsOf(agencyTopics(prefix, agencyId).people)).toMatchObject({ 'cleanup.policy': 'compact' });
      expect(parse(await readTopic(kafka, agencyTopics(prefix, agencyId).events))).toEqual([message.message]);
    });

    it('writes structured CloudEvents keyed by pseudonym, with ce_ headers, one partition per person', async () => {
      const agencyId = uniqueAgencyId('housing');
      delivery = await KafkaDelivery.start(startOptions(prefix, { agencies: [agencyId] }));
      const keys = [pseudonym(), pseudonym(), pseudonym(), pseudonym()];
      const batch = Array.from({ length: 40 }, (_, i) => testOutbound(agencyId, keys[i % keys.length]));

      await delivery.deliver(batch);

      const records = await readTopic(kafka, agencyTopics(prefix, agencyId).events);
      expect(records).toHaveLength(40);
      for (const r of records) {
        const message = JSON.parse(r.value!) as HubCloudEvent;
        expect(r.key).toBe(message.subject);
        expect(r.headers).toEqual({
          'content-type': 'application/cloudevents+json',
          ce_specversion: '1.0',
          ce_id: message.id,
          ce_source: message.source,
          ce_type: message.type,
          ce_subject: message.subject,
          ce_time: message.time,
        });
      }
      for (const key of keys) expect(new Set(records.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
    });

    it('delivers signed messages that agencies can verify against the hub’s JWKS', async () => {
      const agencyId = uniqueAgencyId('verify');
      delivery = await KafkaDelivery.start(startOptions(prefix));
      const signer = await MessageSigner.fromPrivateJwk(await MessageSigner.generatePrivateJwk('hub-1'));
      const { signature: _unsigned, ...unsigned } = testOutbound(agencyId, pseudonym()).message;
      const signed = await signer.sign(unsigned);

      await delivery.deliver([{ agencyId, key: signed.subject, message: signed }]);

      const [received] = parse(await readTopic(kafka, agencyTopics(prefix, agencyId).events));
      expect(await verifyMessage(received, signer.jwks)).toBe(true);
      expect(await verifyMessage({ ...received, data: { ...received.data, note: 'tampered' } }, signer.jwks)).toBe(false);
    });

    it('keeps the current summary per person on the compacted people topic, with tombstones', async () => {
      const agencyId = uniqueAgencyId('people');
      delivery = await KafkaDelivery.start(startOptions(prefix, { agencies: [agencyId] }));
      const [withdrawn, current, untouched] = [pseudonym(), pseudonym(), pseudonym()];
      const first = testOutbound(agencyId, withdrawn, { needs: { accommodation: 'high' } });
      const second = testOutbound(agencyId, current, { needs: { 'substance-use': 'crisis' } });
      const third = testOutbound(agencyId, untouched);
      const retraction = testOutbound(agencyId, withdrawn, null);

      await delivery.deliver([first, second]);
      await delivery.deliver([third, retraction]);

      const records = await readTopic(kafka, agencyTopics(prefix, agencyId).people);
      const byKey = (key: string): KafkaRecord[] => records.filter((r) => r.key === key);
      expect(byKey(withdrawn).map((r) => r.value)).toEqual([JSON.stringify({ needs: { accommodation: 'high' } }), null]);
      expect(byKey(withdrawn)[1].headers).toEqual({ ce_subject: withdrawn, onestop_cause: retraction.message.id, onestop_sequence: retraction.message.sequence });
      expect(byKey(current).map((r) => [r.value, r.headers['content-type']])).toEqual([[JSON.stringify({ needs: { 'substance-use': 'crisis' } }), 'application/json']]);
      expect(byKey(untouched)).toEqual([]);

      const events = await readTopic(kafka, agencyTopics(prefix, agencyId).events);
      const eventPartition = events.find((r) => r.key === withdrawn)!.partition;
      expect(byKey(withdrawn).every((r) => r.partition === eventPartition)).toBe(true);
    });

    it('fails to start with delivery.unavailable when no broker answers', async () => {
      const error = await KafkaDelivery.start({ ...startOptions(prefix), brokers: ['127.0.0.1:1'], retries: 1 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('delivery.unavailable');
    });
  });

}
