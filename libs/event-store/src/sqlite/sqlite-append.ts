import { HubError } from '@onestop/domain';
import { describeExpected, expectationHolds } from '../append-request';
import {
  IdempotencyMismatchError,
  StoreUnavailableError,
  StreamVersionConflictError,
} from '../errors';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port';
import type { SqliteQueries, StoredPlace } from './sqlite-queries';

/** What an append did: wrote the batch, or recognised a retry of a batch already stored. */
export interface AppendOutcome {
  result: AppendResult;
  written: boolean;
}

/**
 * Appends a validated batch in one IMMEDIATE transaction: the write lock is taken before the
 * stream's revision is read, so two connections appending to one stream are serialised and the
 * second sees the first's events (and fails its expectation) instead of racing it.
 */
export function appendBatch(
  queries: SqliteQueries,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  recordedAt: string,
): AppendOutcome {
  const run = queries.db.transaction((): AppendOutcome => {
    const stored = queries.findById(events[0].id);
    if (stored) return { result: retriedResult(queries, stream, events, stored), written: false };
    const actual = queries.currentRevision(stream);
    if (!expectationHolds(expected, actual)) {
      throw new StreamVersionConflictError(stream, describeExpected(expected), actual);
    }
    let position = 0;
    events.forEach((event, index) => {
      position = queries.insert({
        id: event.id,
        stream,
        revision: actual + 1 + index,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata ?? {}),
        recordedAt,
      });
    });
    return { result: { nextRevision: actual + events.length, position }, written: true };
  });
  try {
    return run.immediate();
  } catch (error) {
    throw translateSqliteError(error, queries, stream, expected);
  }
}

function retriedResult(
  queries: SqliteQueries,
  stream: string,
  events: readonly NewEvent[],
  first: StoredPlace,
): AppendResult {
  if (first.stream !== stream) {
    throw new IdempotencyMismatchError(stream, 'the first event id is stored in another stream');
  }
  const stored = queries.placesFromRevision(stream, first.revision, events.length);
  const sameBatch = stored.length === events.length && stored.every((place, i) => place.id === events[i].id);
  if (!sameBatch) {
    throw new IdempotencyMismatchError(stream, `the stored events from revision ${first.revision} differ`);
  }
  const last = stored[stored.length - 1];
  return { nextRevision: last.revision, position: last.position };
}

function translateSqliteError(
  error: unknown,
  queries: SqliteQueries,
  stream: string,
  expected: ExpectedRevision,
): Error {
  if (error instanceof HubError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('es_events.id')) {
    return new IdempotencyMismatchError(stream, 'a later event id of the batch is already stored');
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('es_events.stream')) {
    try {
      return new StreamVersionConflictError(stream, describeExpected(expected), queries.currentRevision(stream));
    } catch {
      // The revision cannot be read either: report the store as unavailable below.
    }
  }
  return new StoreUnavailableError(`SQLite append to ${stream} failed: ${message}`, error);
}
