import { StoreInvalidRequestError } from './errors';
import type { ExpectedRevision, NewEvent } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks an append the same way in every adapter and returns the batch with event ids in
 * lower case (EventStoreDB hands ids back in lower case, so both adapters store them so).
 */
export function validateAppend(
  stream: string,
  events: readonly NewEvent[],
  expectedRevision: ExpectedRevision,
): NewEvent[] {
  validateStreamName(stream);
  if (events.length === 0) throw new StoreInvalidRequestError('an append needs at least one event');
  if (typeof expectedRevision === 'number') validateCount('expectedRevision', expectedRevision);
  else if (!['any', 'no_stream', 'stream_exists'].includes(expectedRevision)) {
    throw new StoreInvalidRequestError(`unknown expected revision ${String(expectedRevision)}`);
  }
  const ids = new Set<string>();
  return events.map((event, index) => {
    if (!UUID.test(event.id)) throw new StoreInvalidRequestError(`event ${index} has an id that is not a UUID`);
    const id = event.id.toLowerCase();
    if (ids.has(id)) throw new StoreInvalidRequestError(`event ${index} repeats an id of the same batch`);
    ids.add(id);
    if (!event.type || event.type.startsWith('$')) {
      throw new StoreInvalidRequestError(`event ${index} needs a type that does not start with $`);
    }
    return { ...event, id };
  });
}

/** Stream names are non-empty and never name a system stream (leading `$`). */
export function validateStreamName(stream: string): void {
  if (typeof stream !== 'string' || stream.trim() === '' || stream.startsWith('$')) {
    throw new StoreInvalidRequestError('a stream name must be non-empty and must not start with $');
  }
}

/** Revisions, positions and counts are non-negative safe integers. */
export function validateCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new StoreInvalidRequestError(`${name} must be a non-negative integer`);
  }
}

/** How an expected revision reads in a conflict message. */
export function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? `revision ${expected}` : expected;
}

/** The stream's actual revision (-1 when it does not exist) satisfies the expectation. */
export function expectationHolds(expected: ExpectedRevision, actualRevision: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actualRevision === -1;
  if (expected === 'stream_exists') return actualRevision >= 0;
  return actualRevision === expected;
}
