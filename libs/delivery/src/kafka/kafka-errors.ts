import { HubError } from '@onestop/domain';
import { KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';

/** Broker answers that no retry will change (anything else is treated as transient). */
const REFUSALS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_CONFIG',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_PARTITIONS',
  'INVALID_TOPIC_EXCEPTION',
  'POLICY_VIOLATION',
  'UNSUPPORTED_VERSION',
]);

/** The brokers could not be reached or did not acknowledge in time; the batch may be delivered again. */
export class DeliveryUnavailableError extends HubError {
  constructor(message: string, cause?: unknown) {
    super('delivery.unavailable', message, undefined, cause);
  }
}

/**
 * The brokers refused the request (authentication, authorisation, a message too large, a bad
 * topic setting): retrying will not help until an operator fixes it.
 */
export class DeliveryRejectedError extends HubError {
  constructor(message: string, cause?: unknown) {
    super('delivery.rejected', message, undefined, cause);
  }
}

/** The deepest kafkajs error behind retries-exceeded wrappers. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause instanceof Error; depth += 1) current = current.cause;
  return current;
}

/** Translates a kafkajs failure into the hub's errors (messages name the action, never personal data). */
export function translateKafkaError(error: unknown, action: string): HubError {
  if (error instanceof HubError) return error;
  const root = rootCause(error);
  const message = root instanceof Error ? root.message : String(root);
  const refused =
    root instanceof KafkaJSSASLAuthenticationError || (root instanceof KafkaJSProtocolError && REFUSALS.has(root.type));
  return refused
    ? new DeliveryRejectedError(`${action} was refused by Kafka: ${message}`, error)
    : new DeliveryUnavailableError(`${action} failed: ${message}`, error);
}
