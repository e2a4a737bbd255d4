import { PartnershipDirectory } from '@onestop/application';
import { IssuerDirectory, TrustedIssuer } from '@onestop/auth';

/** The agency id of the bootstrap partnership administrator. */
export const PARTNERSHIP_ADMIN = 'partnership';

/**
 * Trusted token issuers: the bootstrap administrator (admin role only) and every registered
 * agency (caseworker, dpo and system roles; never admin). An unknown issuer triggers one
 * catch-up of the directory, at most once a second, so a freshly registered agency works at once.
 */
export class PartnershipIssuers implements IssuerDirectory {
  private lastRefresh = 0;

  constructor(
    private readonly directory: PartnershipDirectory,
    private readonly admin: TrustedIssuer | undefined,
  ) {}

  async resolve(issuer: string): Promise<TrustedIssuer | undefined> {
    if (this.admin && issuer === this.admin.issuer) return this.admin;
    let agency = this.directory.agencyByIssuer(issuer);
    if (!agency && Date.now() - this.lastRefresh > 1000) {
      this.lastRefresh = Date.now();
      await this.directory.catchUp();
      agency = this.directory.agencyByIssuer(issuer);
    }
    if (!agency) return undefined;
    return {
      issuer: agency.issuer,
      agencyId: agency.agencyId,
      ...(agency.jwks ? { jwks: agency.jwks as TrustedIssuer['jwks'] } : {}),
      ...(agency.jwksUri ? { jwksUri: agency.jwksUri } : {}),
      allowedRoles: ['caseworker', 'dpo', 'system'],
    };
  }
}
