import { HubError } from '@onestop/domain';
import { Admin, Kafka, KafkaJSError, logLevel, Partitioners, Producer, SASLOptions } from 'kafkajs';
import type { Delivery, Outbound } from '../delivery.port';
import { translateKafkaError } from './kafka-errors';
import { topicMessagesOf } from './kafka-messages';
import { KafkaDeliveryOptions, ResolvedKafkaDeliveryOptions, resolveKafkaDeliveryOptions } from './kafka-options';
import { agencyTopicConfigs, agencyTopics } from './kafka-topics';

const LOG_LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

/**
 * The Kafka adapter of the delivery port (production / scale-out). Each agency has two topics:
 * `<prefix>.<agencyId>.events`, every message keyed by the agency's pseudonym for the person (so
 * one person's messages share a partition and stay in order), and the compacted
 * `<prefix>.<agencyId>.people`, the current filtered summary per person with a tombstone when the
 * basis for holding it ends. Records follow the CloudEvents Kafka binding (see `eventRecord`).
 *
 * Guarantees:
 * - `deliver` resolves only when the brokers acknowledged every record of the batch from all
 *   in-sync replicas (idempotent producer, `acks: -1`); otherwise it rejects with a `HubError`
 *   (`delivery.unavailable`, or `delivery.rejected` when retrying cannot help) and the publisher
 *   delivers the whole batch again. A batch waits for the previous one to finish, so batches
 *   never overtake each other.
 * - After a failed batch the producer is replaced, so a new producer id starts clean instead of
 *   inheriting sequence numbers the brokers may no longer accept. A redelivered batch can then
 *   repeat records: at-least-once, with the same CloudEvent `id`, which agencies dedupe on.
 * - Retries are bounded (`retries`, backing off up to 10 s) so a broker outage surfaces as a
 *   rejected `deliver` rather than a send that hangs; kafkajs warns once per producer that this
 *   limits exactly-once, which the hub does not rely on.
 * - Topics are created with explicit settings (`agencyTopicConfigs`) at start for the agencies
 *   given, and on the first delivery for an agency registered later.
 */
export class KafkaDelivery implements Delivery {
  readonly name = 'kafka';
  private producer: Producer | undefined;
  private readonly ensured = new Map<string, Promise<void>>();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: ResolvedKafkaDeliveryOptions,
  ) {}

  /** Connects, ensures the topics of `options.agencies` and starts the idempotent producer. */
  static async start(options: KafkaDeliveryOptions): Promise<KafkaDelivery> {
    const resolved = resolveKafkaDeliveryOptions(options);
    for (const agencyId of resolved.agencies) agencyTopics(resolved.topicPrefix, agencyId);
    const kafka = new Kafka({
      clientId: resolved.clientId,
      brokers: resolved.brokers,
      ssl: resolved.ssl,
      // Each of the three mechanisms takes exactly a username and a password.
      sasl: resolved.sasl as SASLOptions | undefined,
      connectionTimeout: 3_000,
      requestTimeout: resolved.ackTimeoutMs + 5_000,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: resolved.retries },
      logLevel: LOG_LEVELS[resolved.logLevel],
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      throw translateKafkaError(error, 'connecting to Kafka');
    }
    const delivery = new KafkaDelivery(kafka, admin, resolved);
    try {
      await delivery.ensureAgencies(resolved.agencies);
      await delivery.connectedProducer();
    } catch (error) {
      await delivery.close();
      throw translateKafkaError(error, 'starting the Kafka delivery');
    }
    return delivery;
  }

  /** The topic names of an agency under this delivery's prefix. */
  topicsOf(agencyId: string): { events: string; people: string } {
    return agencyTopics(this.options.topicPrefix, agencyId);
  }

  /** Creates the agency's topics if they do not exist yet (idempotent; safe to call concurrently). */
  async ensureAgency(agencyId: string): Promise<void> {
    await this.ensureAgencies([agencyId]);
  }

  deliver(batch: readonly Outbound[]): Promise<void> {
    const run = this.tail.then(() => this.send(batch));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.discardProducer();
    await this.admin.disconnect().catch(() => undefined);
  }

  private async send(batch: readonly Outbound[]): Promise<void> {
    if (this.closed) throw new HubError('delivery.closed', 'the Kafka delivery is closed');
    if (batch.length === 0) return;
    await this.ensureAgencies([...new Set(batch.map((o) => o.agencyId))]);
    const topicMessages = topicMessagesOf(batch, this.options.topicPrefix);
    try {
      const producer = await this.connectedProducer();
      await producer.sendBatch({ topicMessages, acks: -1, timeout: this.options.ackTimeoutMs });
    } catch (error) {
      await this.discardProducer();
      throw translateKafkaError(error, `delivering a batch of ${batch.length} messages`);
    }
  }

  private async ensureAgencies(agencyIds: readonly string[]): Promise<void> {
    const missing = agencyIds.filter((id) => !this.ensured.has(id));
    if (missing.length > 0) {
      const topics = missing.flatMap((id) => agencyTopicConfigs(agencyTopics(this.options.topicPrefix, id), this.options));
      const creating = this.admin
        .createTopics({ topics, waitForLeaders: false, timeout: this.options.ackTimeoutMs })
        .then(() => this.waitForLeaders(topics.map((t) => t.topic)))
        .catch((error: unknown) => {
          for (const id of missing) if (this.ensured.get(id) === creating) this.ensured.delete(id);
          throw translateKafkaError(error, `creating the Kafka topics of ${missing.length} agencies`);
        });
      for (const id of missing) this.ensured.set(id, creating);
    }
    await Promise.all(agencyIds.map((id) => this.ensured.get(id)));
  }

  /**
   * Waits until every partition of the topics has a leader. (kafkajs's own `waitForLeaders` gives
   * up when the metadata does not list a just-created topic yet, which KRaft brokers report for a
   * moment after creating it.)
   */
  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + this.options.ackTimeoutMs;
    for (;;) {
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics });
        const ready = metadata.topics.filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (ready.length === topics.length) return;
      } catch (error) {
        if (!(error instanceof KafkaJSError && error.retriable) || Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`the new topics had no leaders after ${this.options.ackTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false, // only topics created with the settings above
      createPartitioner: Partitioners.DefaultPartitioner, // Java-compatible murmur2: every client agrees on a key's partition
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: this.options.retries },
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
