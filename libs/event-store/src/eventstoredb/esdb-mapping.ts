import {
  ANY,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendExpectedRevision,
  type EventData,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { StoreUnavailableError } from '../errors';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';

/** The largest commit position the port's `number` positions carry exactly (2^53 - 1 bytes of log). */
const MAX_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

export function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export function toEventData(event: NewEvent): EventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata ?? {} });
}

/**
 * A port position as an EventStoreDB log position. Every event the server writes today is an
 * implicitly committed prepare whose commit and prepare positions are both its own log position,
 * so `{ commit: n, prepare: n }` points exactly at the event at `n`.
 */
export function toLogPosition(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

/** A commit position as a port position, or undefined when the server sent none (or -1). */
export function fromLogPosition(position: Position | undefined): number | undefined {
  if (!position || position.commit < 0n || position.commit > MAX_POSITION) return undefined;
  return Number(position.commit);
}

/** System events (`$`-prefixed type or stream) are the server's own and never reach the hub. */
export function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const position = fromLogPosition(event.position);
  if (position === undefined) {
    throw new StoreUnavailableError(
      `EventStoreDB sent no usable position for an event of ${event.streamId}: the adapter needs server 22.6 or later`,
    );
  }
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: isRecord(event.data) ? event.data : { value: event.data },
    metadata: isRecord(event.metadata) ? event.metadata : {},
    recordedAt: event.created.toISOString(),
  };
}
