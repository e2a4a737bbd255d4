import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { AuthenticationError } from './errors';
import { isAllowedJwksUri, type TrustedIssuer } from './trusted-issuer';

/** How long a fetched JWKS is trusted, and the minimum gap between fetches (unknown `kid` floods). */
export const REMOTE_JWKS_OPTIONS = { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 };

interface CachedKeys {
  source: string;
  getKey: JWTVerifyGetKey;
}

/**
 * Key sets per issuer, rebuilt when the registered keys change. A remote set keeps its fetched
 * keys and cooldown between verifications, so a flood of unknown `kid`s costs at most one
 * fetch per cooldown.
 */
export class IssuerKeys {
  private readonly cache = new Map<string, CachedKeys>();

  keysFor(trusted: TrustedIssuer): JWTVerifyGetKey {
    const source = trusted.jwks ? `jwks:${JSON.stringify(trusted.jwks)}` : `uri:${trusted.jwksUri ?? ''}`;
    const cached = this.cache.get(trusted.issuer);
    if (cached?.source === source) return cached.getKey;
    const getKey = this.build(trusted);
    this.cache.set(trusted.issuer, { source, getKey });
    return getKey;
  }

  forget(issuer: string): void {
    this.cache.delete(issuer);
  }

  private build(trusted: TrustedIssuer): JWTVerifyGetKey {
    try {
      if (trusted.jwks) return createLocalJWKSet(trusted.jwks);
      if (trusted.jwksUri && isAllowedJwksUri(trusted.jwksUri)) {
        return createRemoteJWKSet(new URL(trusted.jwksUri), REMOTE_JWKS_OPTIONS);
      }
    } catch (error) {
      throw new AuthenticationError('keys-unavailable', {}, error);
    }
    throw new AuthenticationError('keys-unavailable');
  }
}
