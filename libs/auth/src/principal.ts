import type { Purpose, Role } from '@onestop/domain';

/**
 * Who is calling, established from a verified bearer token. Everything here comes from claims
 * whose signature was checked against keys registered for the issuer, and `agencyId` is the
 * agency the issuer is registered to (the token's `agency` claim must agree with it).
 */
export interface Principal {
  /** The agency the caller acts for; `partnership` for the bootstrap administrator. */
  agencyId: string;
  /** The user or system named by `sub`, unique within the issuer. */
  subject: string;
  /** Known roles from the `roles` claim, de-duplicated, never empty. */
  roles: Role[];
  /** The purpose the caller declared for this session, if any. */
  purpose?: Purpose;
  /** The `iss` of the token, a registered issuer. */
  issuer: string;
  /** The `jti` of the token, when present (for audit records). */
  tokenId?: string;
  /** When the token stops being accepted (its `exp`, before clock tolerance). */
  expiresAt: Date;
}
