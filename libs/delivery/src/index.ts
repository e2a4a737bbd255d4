export * from './cloud-event';
export * from './delivery.port';
export * from './http-feed/sqlite-feed';
export * from './message-signer';
