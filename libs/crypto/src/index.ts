export * from './key-store.port';
export * from './errors';
export * from './field-cipher';
export * from './sqlite-key-store';
export * from './event-codec';
export * from './pseudonymizer';
export * from './hub-secrets';
