import { KafkaDelivery, parseKafkaConfig } from '@onestop/delivery';
import { PartnershipDirectory } from '../partnership-directory';

/**
 * Connects the Kafka delivery from the hub's environment (`KAFKA_BROKERS`, `KAFKA_TOPIC_PREFIX`,
 * `KAFKA_SSL`, `KAFKA_SASL_*`, `KAFKA_PARTITIONS`, `KAFKA_REPLICATION_FACTOR`), creating the
 * topics of every registered agency up front; agencies registered later get theirs on first use.
 */
export async function openKafkaDelivery(env: Readonly<Record<string, string | undefined>>, directory: PartnershipDirectory, clientId: string): Promise<KafkaDelivery> {
  const config = parseKafkaConfig(env);
  await directory.catchUp();
  return KafkaDelivery.start({ ...config, clientId, agencies: directory.allAgencies().map((a) => a.agencyId) });
}
