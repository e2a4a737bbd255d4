export * from './hub-config';
export * from './jwks-setting';
