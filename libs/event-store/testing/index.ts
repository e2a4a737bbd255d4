export * from './event-store-contract';
export type { EventStoreContractFactory, EventStoreContractSubject } from './contract/fixtures';
