import { HubError } from '@onestop/domain';

/** Why a token was refused; operators see it in details, callers only get a generic 401. */
export const AUTHENTICATION_FAILURE_REASONS = [
  'malformed',
  'algorithm-not-allowed',
  'header-not-allowed',
  'unknown-issuer',
  'unknown-key',
  'keys-unavailable',
  'bad-signature',
  'expired',
  'not-yet-valid',
  'wrong-audience',
  'missing-claim',
  'invalid-claim',
  'agency-mismatch',
  'role-not-allowed',
] as const;
export type AuthenticationFailureReason = (typeof AUTHENTICATION_FAILURE_REASONS)[number];

/**
 * No valid credentials (HTTP 401). The message is the same for every failure so that callers
 * learn nothing about the check that failed; `details.reason` (and `details.claim` where a claim
 * is at fault) tell operators why. Neither the token nor its claim values are ever included.
 */
export class AuthenticationError extends HubError {
  constructor(
    readonly reason: AuthenticationFailureReason,
    details: { claim?: string } = {},
    cause?: unknown,
  ) {
    super('auth.unauthenticated', 'authentication required', { reason, ...details }, cause);
  }
}

/** The caller is authenticated but may not do this (HTTP 403). */
export class ForbiddenError extends HubError {
  constructor(message = 'forbidden', details?: Record<string, unknown>) {
    super('auth.forbidden', message, details);
  }
}
