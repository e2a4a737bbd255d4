export * from './event-store.port';
export * from './errors';
export * from './create-event-store';
export { openDatabase } from './sqlite/open-database';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export {
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store';
export type { ReconnectPolicy } from './eventstoredb/esdb-subscription';
