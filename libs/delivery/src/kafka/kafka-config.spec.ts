import { ValidationError } from '@onestop/domain';
import { parseKafkaConfig } from './kafka-config';

function fieldsOf(env: Record<string, string | undefined>): Record<string, string> {
  try {
    parseKafkaConfig(env);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseKafkaConfig', () => {
  it('reads brokers with the defaults: prefix onestop, no TLS, no SASL', () => {
    expect(parseKafkaConfig({ KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ' })).toEqual({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      topicPrefix: 'onestop',
      ssl: false,
    });
  });

  it('reads TLS, SASL and topic settings for a production cluster', () => {
    expect(
      parseKafkaConfig({
        KAFKA_BROKERS: 'b-1.msk.example:9096',
        KAFKA_TOPIC_PREFIX: 'partnership.prod',
        KAFKA_SSL: 'TRUE',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'onestop-hub',
        KAFKA_SASL_PASSWORD: 's3cret pass',
        KAFKA_PARTITIONS: '6',
        KAFKA_REPLICATION_FACTOR: '3',
      }),
    ).toEqual({
      brokers: ['b-1.msk.example:9096'],
      topicPrefix: 'partnership.prod',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'onestop-hub', password: 's3cret pass' },
      partitions: 6,
      replicationFactor: 3,
    });
  });

  it('names every bad variable at once', () => {
    expect(
      fieldsOf({
        KAFKA_BROKERS: 'kafka-1',
        KAFKA_TOPIC_PREFIX: 'has space',
        KAFKA_SSL: 'maybe',
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_PARTITIONS: '0',
      }),
    ).toEqual({
      KAFKA_BROKERS: expect.stringContaining('host:port'),
      KAFKA_TOPIC_PREFIX: expect.any(String),
      KAFKA_SSL: 'must be true or false',
      KAFKA_SASL_MECHANISM: 'must be one of plain, scram-sha-256, scram-sha-512',
      KAFKA_PARTITIONS: 'must be a positive integer',
    });
  });

  it('requires brokers, and credentials with a SASL mechanism, without echoing the password', () => {
    expect(fieldsOf({})).toEqual({ KAFKA_BROKERS: expect.stringContaining('required') });
    expect(fieldsOf({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'hub' })).toEqual({
      KAFKA_SASL_PASSWORD: 'is required with KAFKA_SASL_MECHANISM=plain',
    });
    const fields = fieldsOf({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(Object.keys(fields)).toEqual(['KAFKA_SASL_MECHANISM']);
    expect(JSON.stringify(fields)).not.toContain('hunter2');
  });
});
