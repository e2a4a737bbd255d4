import { ValidationError } from '@onestop/domain';
import type { KafkaSaslOptions } from './kafka-options';

/** The Kafka settings the hub reads from its environment. */
export interface KafkaEnvConfig {
  brokers: string[];
  topicPrefix: string;
  ssl: boolean;
  sasl?: KafkaSaslOptions;
  partitions?: number;
  replicationFactor?: number;
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

/**
 * Reads `KAFKA_BROKERS` (comma-separated `host:port`, required), `KAFKA_TOPIC_PREFIX` (default
 * `onestop`), `KAFKA_SSL` (`true`/`false`, default false), `KAFKA_SASL_MECHANISM` (`plain`,
 * `scram-sha-256` or `scram-sha-512`; unset for no SASL) with `KAFKA_SASL_USERNAME` and
 * `KAFKA_SASL_PASSWORD`, and optional `KAFKA_PARTITIONS` / `KAFKA_REPLICATION_FACTOR`. A pure
 * function of the record given (for instance `process.env`); every bad variable is named in one
 * `ValidationError`, and no message repeats a secret.
 */
export function parseKafkaConfig(env: Readonly<Record<string, string | undefined>>): KafkaEnvConfig {
  const bad: Record<string, string> = {};
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const brokers = (value('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) bad.KAFKA_BROKERS = 'is required: comma-separated host:port of the bootstrap brokers';
  else if (brokers.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b))) bad.KAFKA_BROKERS = 'each broker must be host:port';

  const topicPrefix = value('KAFKA_TOPIC_PREFIX') ?? 'onestop';
  if (!/^[a-zA-Z0-9._-]{1,100}$/.test(topicPrefix)) bad.KAFKA_TOPIC_PREFIX = "may use only letters, digits, '.', '_' and '-' (at most 100)";

  const sslText = (env.KAFKA_SSL ?? '').trim().toLowerCase();
  const ssl = TRUE.has(sslText);
  if (!ssl && !FALSE.has(sslText)) bad.KAFKA_SSL = 'must be true or false';

  let sasl: KafkaSaslOptions | undefined;
  const mechanism = value('KAFKA_SASL_MECHANISM')?.toLowerCase();
  const username = value('KAFKA_SASL_USERNAME');
  const password = env.KAFKA_SASL_PASSWORD;
  if (mechanism === undefined) {
    if (username !== undefined || password) bad.KAFKA_SASL_MECHANISM = `is required when a SASL username or password is set (${MECHANISMS.join(', ')})`;
  } else if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
    bad.KAFKA_SASL_MECHANISM = `must be one of ${MECHANISMS.join(', ')}`;
  } else {
    if (username === undefined) bad.KAFKA_SASL_USERNAME = `is required with KAFKA_SASL_MECHANISM=${mechanism}`;
    if (!password) bad.KAFKA_SASL_PASSWORD = `is required with KAFKA_SASL_MECHANISM=${mechanism}`;
    if (username !== undefined && password) sasl = { mechanism: mechanism as KafkaSaslOptions['mechanism'], username, password };
  }

  const positive = (name: string): number | undefined => {
    const v = value(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) {
      bad[name] = 'must be a positive integer';
      return undefined;
    }
    return n;
  };
  const partitions = positive('KAFKA_PARTITIONS');
  const replicationFactor = positive('KAFKA_REPLICATION_FACTOR');

  if (Object.keys(bad).length > 0) throw new ValidationError(bad);
  return {
    brokers,
    topicPrefix,
    ssl,
    ...(sasl ? { sasl } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
    ...(replicationFactor !== undefined ? { replicationFactor } : {}),
  };
}
