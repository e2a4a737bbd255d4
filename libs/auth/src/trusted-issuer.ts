import type { JWK } from 'jose';
import type { Role } from '@onestop/domain';

/**
 * An issuer whose tokens the hub accepts: an agency's identity provider, or the bootstrap
 * administrator (agencyId `partnership`, allowedRoles `['admin']`). Keys are either inline
 * (`jwks`, preferred when both are set) or fetched from `jwksUri`, which must be https (plain
 * http only to 127.0.0.1/localhost, for tests).
 */
export interface TrustedIssuer {
  /** The exact `iss` value its tokens carry. */
  issuer: string;
  /** The agency its tokens act for; their `agency` claim must equal it. */
  agencyId: string;
  jwks?: { keys: JWK[] };
  jwksUri?: string;
  /** When set, a token claiming any other role is refused outright. */
  allowedRoles?: Role[];
}

/**
 * Looks up the registered issuer for an `iss` value, undefined when none is registered. Called
 * once per verification, so implementations should answer from memory; a change (key rotation
 * through `PUT /v1/agencies/{id}`) takes effect on the next call.
 */
export interface IssuerDirectory {
  resolve(issuer: string): Promise<TrustedIssuer | undefined>;
}

/** An IssuerDirectory over a fixed list (the bootstrap administrator, tests). */
export const staticIssuerDirectory = (issuers: readonly TrustedIssuer[]): IssuerDirectory => ({
  resolve: async (issuer) => issuers.find((candidate) => candidate.issuer === issuer),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a JWKS URI may be fetched: https anywhere, http only on the loopback interface. */
export const isAllowedJwksUri = (uri: string): boolean => {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
};
