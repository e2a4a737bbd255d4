export * from './reference-evaluator';
export * from './arbitraries';
export * from './fixtures';
