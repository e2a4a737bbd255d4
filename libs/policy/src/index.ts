export * from './policy.types';
export * from './agreements-in-force';
export * from './decide';
export * from './explain';
