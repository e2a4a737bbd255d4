import { HubError } from '@onestop/domain';
import { convertToCommandError, ErrorType, isCommandError, type CommandError } from '@eventstore/db-client';
import { StoreInvalidRequestError, StoreUnavailableError } from '../errors';

const TRANSIENT = new Set<ErrorType>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);

function asCommandError(error: unknown): CommandError | undefined {
  if (!(error instanceof Error)) return undefined;
  const converted = isCommandError(error) ? error : convertToCommandError(error);
  return isCommandError(converted) ? converted : undefined;
}

/** The server could not be reached or stepped down: worth retrying after a pause. */
export function isTransientEsdbError(error: unknown): boolean {
  const command = asCommandError(error);
  return command !== undefined && TRANSIENT.has(command.type);
}

/**
 * Translates a client or server failure into the hub's errors. Wrong-expected-version failures
 * are not handled here: the adapter turns them into a version conflict or an idempotency mismatch.
 */
export function translateEsdbError(error: unknown, action: string): Error {
  if (error instanceof HubError) return error;
  const command = asCommandError(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (command?.type) {
    case ErrorType.INVALID_ARGUMENT:
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
      return new StoreInvalidRequestError(`${action} was refused by EventStoreDB: ${message}`);
    case ErrorType.STREAM_DELETED:
      return new StoreInvalidRequestError(`${action} failed: the stream was deleted in EventStoreDB`);
    default:
      return new StoreUnavailableError(`${action} failed: ${message}`, error);
  }
}
