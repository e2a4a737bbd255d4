import type { ConnectionOptions } from 'node:tls';
import { ValidationError } from '@onestop/domain';

/** SASL credentials for a production broker (sent only after TLS is up when `ssl` is set). */
export interface KafkaSaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** How the client reaches and authenticates to the brokers. */
export interface KafkaConnectionOptions {
  /** `host:port` of one or more bootstrap brokers. */
  brokers: string[];
  clientId?: string;
  /** `true` for TLS with the system's CAs, or Node TLS options (own CA, client certificate). */
  ssl?: boolean | ConnectionOptions;
  sasl?: KafkaSaslOptions;
}

/**
 * Settings of the Kafka delivery. The topics it creates (`<topicPrefix>.<agencyId>.events` and
 * `<topicPrefix>.<agencyId>.people`) get these explicit settings; topics that already exist are
 * left as the operator configured them.
 */
export interface KafkaDeliveryOptions extends KafkaConnectionOptions {
  /** `KAFKA_TOPIC_PREFIX`, `onestop` by default in the hub's configuration. */
  topicPrefix: string;
  /** Agencies whose topics are ensured at start; others are ensured on their first delivery. */
  agencies: string[];
  /** Partitions of each topic (default 3). One person's messages always share one partition. */
  partitions?: number;
  /**
   * Replicas of each partition (default 1, for the local single-node broker). Use 3 in
   * production: with `min.insync.replicas` = 2 an acknowledged message survives losing a broker.
   */
  replicationFactor?: number;
  /** How long the events topics keep messages (default 30 days). */
  eventsRetentionMs?: number;
  /**
   * How long a tombstone stays readable on the compacted people topic after compaction
   * (`delete.retention.ms`, default 7 days): a consumer offline for less than this still sees it.
   */
  tombstoneRetentionMs?: number;
  /** How long the broker may take to acknowledge a batch from all in-sync replicas (default 30 s). */
  ackTimeoutMs?: number;
  /** Retries of a failing send before `deliver` rejects (default 5, backing off from 300 ms up to 10 s). */
  retries?: number;
  /** kafkajs log output (default `warn`; `nothing` silences it). */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

export const KAFKA_DEFAULTS = {
  clientId: 'onestop-hub',
  partitions: 3,
  replicationFactor: 1,
  eventsRetentionMs: 30 * 24 * 60 * 60 * 1000,
  tombstoneRetentionMs: 7 * 24 * 60 * 60 * 1000,
  ackTimeoutMs: 30_000,
  retries: 5,
  logLevel: 'warn',
} as const;

/** The options with every default filled in. */
export type ResolvedKafkaDeliveryOptions = Required<Omit<KafkaDeliveryOptions, 'ssl' | 'sasl'>> &
  Pick<KafkaDeliveryOptions, 'ssl' | 'sasl'>;

/** Fills in the defaults; a `ValidationError` names each bad option. */
export function resolveKafkaDeliveryOptions(options: KafkaDeliveryOptions): ResolvedKafkaDeliveryOptions {
  const resolved: ResolvedKafkaDeliveryOptions = {
    ...KAFKA_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as ResolvedKafkaDeliveryOptions;
  const bad: Record<string, string> = {};
  if (resolved.brokers.length === 0) bad.brokers = 'needs at least one host:port';
  for (const key of ['partitions', 'replicationFactor', 'eventsRetentionMs', 'tombstoneRetentionMs', 'ackTimeoutMs', 'retries'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 1) bad[key] = 'must be a positive integer';
  }
  if (Object.keys(bad).length > 0) throw new ValidationError(bad);
  return resolved;
}
