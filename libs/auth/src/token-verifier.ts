import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type KeyLike,
} from 'jose';
import { isOneOf, PURPOSES, ROLES, type Role } from '@onestop/domain';
import { AuthenticationError } from './errors';
import { IssuerKeys } from './issuer-keys';
import { VerifiedTokens } from './verified-tokens';
import type { Principal } from './principal';
import type { IssuerDirectory, TrustedIssuer } from './trusted-issuer';

/** Signature algorithms the hub accepts; everything else (`none`, HMAC, ...) is refused unread. */
export const ALLOWED_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;
/** Header parameters that would let a token choose its own key; their presence is refused. */
export const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;
const ALLOWED_TYPES = ['jwt', 'at+jwt'];
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_CLOCK_TOLERANCE_SECONDS = 60;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** How a TokenVerifier is set up; `audience` is the hub's own `aud` (HUB_AUDIENCE). */
export interface TokenVerifierOptions {
  audience: string;
  issuers: IssuerDirectory;
  /** Allowed clock skew for `exp`/`nbf`/`iat`; default 30, at most 60. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

/**
 * Turns a bearer token into a Principal or throws AuthenticationError. The token's header and
 * payload are read unverified only to refuse disallowed algorithms and headers and to choose
 * the issuer's keys; every claim used afterwards comes from the verified token.
 */
export class TokenVerifier {
  private readonly audience: string;
  private readonly issuers: IssuerDirectory;
  private readonly clockTolerance: number;
  private readonly now: () => Date;
  private readonly keys = new IssuerKeys();
  private readonly verified = new VerifiedTokens();

  constructor(options: TokenVerifierOptions) {
    const tolerance = options.clockToleranceSeconds ?? 30;
    if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > MAX_CLOCK_TOLERANCE_SECONDS) {
      throw new RangeError(`clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`);
    }
    if (!options.audience) throw new RangeError('audience is required');
    this.audience = options.audience;
    this.issuers = options.issuers;
    this.clockTolerance = tolerance;
    this.now = options.now ?? (() => new Date());
  }

  /** Verifies a compact JWS, with or without its `Bearer ` prefix. */
  async verify(bearer: string): Promise<Principal> {
    const token = typeof bearer === 'string' ? bearer.replace(/^Bearer\s+/i, '').trim() : '';
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new AuthenticationError('malformed');
    const now = this.now();
    const known = this.verified.find(token);
    if (known) {
      // Verified moments ago: still valid if the issuer is registered as it was then and the
      // token's time claims still hold; anything else goes through full verification.
      const trusted = await this.issuers.resolve(known.principal.issuer);
      if (trusted && this.verified.stillValid(known, trusted, now, this.clockTolerance)) return known.principal;
      this.verified.forget(token);
    }
    checkHeader(token);
    const trusted = await this.issuerOf(token);
    const payload = await this.verifySignature(token, trusted, now);
    const principal = principalFrom(payload, trusted);
    this.verified.remember(token, principal, payload, trusted, now);
    return principal;
  }

  private async issuerOf(token: string): Promise<TrustedIssuer> {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new AuthenticationError('malformed');
    }
    if (typeof iss !== 'string' || iss === '') throw new AuthenticationError('missing-claim', { claim: 'iss' });
    const trusted = await this.issuers.resolve(iss);
    if (!trusted) {
      this.keys.forget(iss);
      throw new AuthenticationError('unknown-issuer');
    }
    return trusted;
  }

  private async verifySignature(token: string, trusted: TrustedIssuer, now: Date): Promise<JWTPayload> {
    const options: JWTVerifyOptions = {
      algorithms: [...ALLOWED_ALGORITHMS],
      audience: this.audience,
      issuer: trusted.issuer,
      requiredClaims: ['exp', 'iss', 'aud', 'sub'],
      clockTolerance: this.clockTolerance,
      currentDate: now,
    };
    try {
      return await verifyWithCandidates(token, this.keys.keysFor(trusted), options);
    } catch (error) {
      throw toAuthenticationError(error);
    }
  }
}

function checkHeader(token: string): void {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new AuthenticationError('malformed');
  }
  if (!isOneOf(ALLOWED_ALGORITHMS, header.alg)) throw new AuthenticationError('algorithm-not-allowed');
  if (FORBIDDEN_HEADERS.some((name) => name in header)) throw new AuthenticationError('header-not-allowed');
  const typ = header.typ;
  if (typ !== undefined && (typeof typ !== 'string' || !ALLOWED_TYPES.includes(normalizeType(typ)))) {
    throw new AuthenticationError('header-not-allowed');
  }
}

const normalizeType = (typ: string): string => typ.toLowerCase().replace(/^application\//, '');

/** jose leaves several keys matching one header (rotation without `kid`) to the caller: try each. */
async function verifyWithCandidates(
  token: string,
  getKey: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, getKey, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error as unknown as AsyncIterable<KeyLike>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function toAuthenticationError(error: unknown): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  if (error instanceof errors.JWTExpired) return new AuthenticationError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) return claimError(error);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthenticationError('algorithm-not-allowed');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthenticationError('bad-signature');
  if (error instanceof errors.JWKSNoMatchingKey) return new AuthenticationError('unknown-key');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new AuthenticationError('malformed');
  }
  return new AuthenticationError('keys-unavailable', {}, error);
}

function claimError(error: InstanceType<typeof errors.JWTClaimValidationFailed>): AuthenticationError {
  const claim = error.claim;
  if (error.reason === 'missing') return new AuthenticationError('missing-claim', { claim });
  if (claim === 'aud') return new AuthenticationError('wrong-audience');
  if (claim === 'iss') return new AuthenticationError('unknown-issuer');
  if ((claim === 'nbf' || claim === 'iat') && error.reason === 'check_failed') {
    return new AuthenticationError('not-yet-valid', { claim });
  }
  return new AuthenticationError('invalid-claim', { claim });
}

function principalFrom(payload: JWTPayload, trusted: TrustedIssuer): Principal {
  const { sub, exp, jti, agency, roles, purpose } = payload;
  if (typeof sub !== 'string' || sub === '') throw new AuthenticationError('invalid-claim', { claim: 'sub' });
  if (typeof exp !== 'number') throw new AuthenticationError('missing-claim', { claim: 'exp' });
  if (agency === undefined) throw new AuthenticationError('missing-claim', { claim: 'agency' });
  if (agency !== trusted.agencyId) throw new AuthenticationError('agency-mismatch', { claim: 'agency' });
  if (purpose !== undefined && !isOneOf(PURPOSES, purpose)) {
    throw new AuthenticationError('invalid-claim', { claim: 'purpose' });
  }
  return {
    agencyId: trusted.agencyId,
    subject: sub,
    roles: rolesFrom(roles, trusted.allowedRoles),
    ...(purpose !== undefined && { purpose }),
    issuer: trusted.issuer,
    ...(typeof jti === 'string' && jti !== '' && { tokenId: jti }),
    expiresAt: new Date(exp * 1000),
  };
}

function rolesFrom(claim: unknown, allowed: readonly Role[] | undefined): Role[] {
  if (claim === undefined) throw new AuthenticationError('missing-claim', { claim: 'roles' });
  if (!Array.isArray(claim) || claim.length === 0 || !claim.every((role) => isOneOf(ROLES, role))) {
    throw new AuthenticationError('invalid-claim', { claim: 'roles' });
  }
  const roles = [...new Set(claim as Role[])];
  if (allowed && roles.some((role) => !allowed.includes(role))) {
    throw new AuthenticationError('role-not-allowed', { claim: 'roles' });
  }
  return roles;
}
