import type { Database } from 'better-sqlite3';
import type { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';

/** Which event store the hub runs on (`HUB_STORE`), with what it needs. */
export type EventStoreConfig =
  | ({ store: 'sqlite'; database: Database } & SqliteEventStoreOptions)
  | { store: 'eventstoredb'; connectionString: string };

/**
 * Builds the configured adapter. The SQLite store uses the hub's shared connection and leaves it
 * open on `close()`; the EventStoreDB store owns its client.
 */
export function createEventStore(config: EventStoreConfig): EventStore {
  if (config.store === 'eventstoredb') return EventStoreDbEventStore.connect(config.connectionString);
  const { database, ...options } = config;
  return new SqliteEventStore(database, options);
}
