export * from './principal';
export * from './errors';
export * from './trusted-issuer';
export * from './token-verifier';
export * from './dev-keys';
export * from './public-jwk';
