export * from './event-repository';
export * from './partnership-directory';
export * from './read-models/blind-index';
export * from './read-models/read-model-projector';
export * from './runtime/hub-runtime';
export * from './reads/person-reader';
export * from './reads/person-summary';
