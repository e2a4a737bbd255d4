export * from './event-store.port';
export * from './errors';
export * from './create-event-store';
export { openDatabase, type OpenDatabaseOptions } from './sqlite/open-database';
export { WriteGate, writeGateOf } from './sqlite/write-gate';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export {
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store';
export type { ReconnectPolicy } from './eventstoredb/esdb-subscription';
