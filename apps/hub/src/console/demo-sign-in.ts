import { DevKey, devIssuer, mintDevToken } from '@onestop/auth';
import { Purpose, Role, ValidationError } from '@onestop/domain';
import { DEMO_AGENCIES } from '../demo/demo-partnership';
import { PARTNERSHIP_ADMIN } from '../auth/partnership-issuers';

/** One person a newcomer can sign in as in the demo: an agency and a role. */
export interface DemoUser {
  agencyId: string;
  agencyName: string;
  role: Role;
}

/** Demo tokens last half an hour: long enough to try the console, short enough not to linger. */
export const DEMO_TOKEN_TTL_SECONDS = 1800;

const AGENCY_ROLES: Role[] = ['caseworker', 'dpo'];

/**
 * The console's demo sign-in: mints short-lived tokens with the demo's dev keys for the demo
 * agencies (caseworker or DPO) and the partnership administrator. It exists only when the hub
 * runs the demo; without it the sign-in routes answer 404.
 */
export class DemoSignIn {
  readonly users: DemoUser[];

  /** `withAdmin`: offer the partnership administrator (only when the hub trusts the demo's admin key). */
  constructor(
    private readonly keys: ReadonlyMap<string, DevKey>,
    private readonly audience: string,
    withAdmin = true,
  ) {
    this.users = [
      ...DEMO_AGENCIES.flatMap((a) => AGENCY_ROLES.map((role) => ({ agencyId: a.agencyId, agencyName: a.name, role }))),
      ...(withAdmin ? [{ agencyId: PARTNERSHIP_ADMIN, agencyName: 'Partnership administration', role: 'admin' as const }] : []),
    ];
  }

  /** A token for one of `users`, optionally declaring a purpose; anyone else is a 400. */
  async token(agencyId: string, role: Role, purpose?: Purpose): Promise<{ token: string; expiresAt: string }> {
    const user = this.users.find((u) => u.agencyId === agencyId && u.role === role);
    if (!user) throw new ValidationError({ role: `${agencyId} has no demo ${role}` });
    const keyId = agencyId === PARTNERSHIP_ADMIN ? 'partnership-admin' : agencyId;
    const key = this.keys.get(keyId);
    if (!key) throw new ValidationError({ agency: `no demo key for ${agencyId}` });
    const token = await mintDevToken({
      privateJwk: key.privateJwk,
      kid: key.kid,
      issuer: devIssuer(keyId),
      audience: this.audience,
      agencyId,
      subject: `demo-${agencyId}-${role}`,
      roles: [role],
      ...(purpose ? { purpose } : {}),
      ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
    });
    return { token, expiresAt: new Date(Date.now() + DEMO_TOKEN_TTL_SECONDS * 1000).toISOString() };
  }
}
