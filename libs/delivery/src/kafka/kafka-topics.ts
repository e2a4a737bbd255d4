import { ValidationError } from '@onestop/domain';
import type { ITopicConfig } from 'kafkajs';
import type { ResolvedKafkaDeliveryOptions } from './kafka-options';

/** The two topics of one agency. */
export interface AgencyTopics {
  /** Every message to the agency, keyed by its pseudonym for the person; time-retained. */
  events: string;
  /** The current filtered summary per person (compacted); a tombstone when the basis ended. */
  people: string;
}

const LEGAL = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;

/** `<prefix>.<agencyId>.events` and `<prefix>.<agencyId>.people`; a `ValidationError` for names Kafka would refuse. */
export function agencyTopics(prefix: string, agencyId: string): AgencyTopics {
  const bad: Record<string, string> = {};
  if (!LEGAL.test(prefix)) bad.topicPrefix = "may use only letters, digits, '.', '_' and '-'";
  if (!LEGAL.test(agencyId)) bad.agencyId = "may use only letters, digits, '.', '_' and '-' to name a Kafka topic";
  const topics = { events: `${prefix}.${agencyId}.events`, people: `${prefix}.${agencyId}.people` };
  if (topics.events.length > MAX_TOPIC_LENGTH) bad.agencyId = `makes a topic name longer than ${MAX_TOPIC_LENGTH} characters`;
  if (Object.keys(bad).length > 0) throw new ValidationError(bad);
  return topics;
}

/**
 * The explicit settings of an agency's topics:
 * - events: deleted after `eventsRetentionMs`; `min.insync.replicas` = min(2, replicas), so with
 *   3 replicas and `acks: -1` an acknowledged message is on at least two brokers.
 * - people: compacted, so the latest summary per pseudonym survives; `delete.retention.ms` keeps
 *   a tombstone readable long enough for an agency consumer that was offline to see it;
 *   `max.compaction.lag.ms` bounds how long a superseded summary (for instance of an erased
 *   person) can stay on disk before compaction removes it.
 */
export function agencyTopicConfigs(topics: AgencyTopics, options: ResolvedKafkaDeliveryOptions): ITopicConfig[] {
  const minInsync = String(Math.min(2, options.replicationFactor));
  const common = { numPartitions: options.partitions, replicationFactor: options.replicationFactor };
  return [
    {
      topic: topics.events,
      ...common,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: String(options.eventsRetentionMs) },
        { name: 'min.insync.replicas', value: minInsync },
        { name: 'unclean.leader.election.enable', value: 'false' },
      ],
    },
    {
      topic: topics.people,
      ...common,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'delete.retention.ms', value: String(options.tombstoneRetentionMs) },
        { name: 'min.compaction.lag.ms', value: '60000' },
        { name: 'max.compaction.lag.ms', value: String(24 * 60 * 60 * 1000) },
        { name: 'segment.ms', value: String(24 * 60 * 60 * 1000) },
        { name: 'min.insync.replicas', value: minInsync },
        { name: 'unclean.leader.election.enable', value: 'false' },
      ],
    },
  ];
}
