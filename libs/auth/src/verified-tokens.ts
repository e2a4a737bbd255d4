import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Principal } from './principal';
import type { TrustedIssuer } from './trusted-issuer';

/** How long a verified token is taken on trust before its signature is checked again. */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export interface VerifiedToken {
  principal: Principal;
  /** The issuer's registration as it was when the token was verified. */
  issuer: string;
  /** `exp` and `nbf` of the verified token (seconds). */
  exp: number;
  nbf?: number;
  verifiedAt: number;
}

/**
 * Tokens whose signature and claims were verified in the last minute, so that a caseworker's
 * next request does not pay for another signature check. A token is only ever found by its
 * exact bytes (SHA-256), is dropped as soon as its issuer's registration changes (keys rotated,
 * roles narrowed, issuer removed), and its `exp`/`nbf` are checked again on every use.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  find(token: string): VerifiedToken | undefined {
    return this.entries.get(digest(token));
  }

  stillValid(known: VerifiedToken, trusted: TrustedIssuer, now: Date, toleranceSeconds: number): boolean {
    const seconds = now.getTime() / 1000;
    return (
      registration(trusted) === known.issuer &&
      now.getTime() - known.verifiedAt < VERIFIED_TOKEN_TTL_MS &&
      now.getTime() >= known.verifiedAt &&
      known.exp > seconds - toleranceSeconds &&
      (known.nbf === undefined || known.nbf <= seconds + toleranceSeconds)
    );
  }

  remember(token: string, principal: Principal, payload: JWTPayload, trusted: TrustedIssuer, now: Date): void {
    if (typeof payload.exp !== 'number') return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest(token), {
      principal,
      issuer: registration(trusted),
      exp: payload.exp,
      ...(typeof payload.nbf === 'number' && { nbf: payload.nbf }),
      verifiedAt: now.getTime(),
    });
  }

  forget(token: string): void {
    this.entries.delete(digest(token));
  }
}

const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Everything about an issuer's registration that a verification relied on. */
const registration = (trusted: TrustedIssuer): string =>
  JSON.stringify([trusted.issuer, trusted.agencyId, trusted.jwks ?? null, trusted.jwksUri ?? null, trusted.allowedRoles ?? null]);
