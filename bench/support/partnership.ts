import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { AgencyKind, Grant, Purpose, Role } from '@onestop/domain';
import { DEMO_AGENCIES, DEMO_GRANTS } from '../../apps/hub/src/demo/demo-partnership';

/** The token audience of every benchmark hub (the default `HUB_AUDIENCE`). */
export const AUDIENCE = 'onestop-hub';

/** The agency whose caseworkers record every command of the benchmarks. */
export const RECORDER = 'sms';
/** The agency that receives (by consent) what the recorder records, and the referrals it raises. */
export const RECEIVER = 'housing';

/** The demo's eight agencies and four more, so that every event is decided for twelve agencies. */
export const BENCH_AGENCIES: Array<{ agencyId: string; name: string; kind: AgencyKind }> = [
  ...DEMO_AGENCIES.map(({ agencyId, name, kind }) => ({ agencyId, name, kind })),
  { agencyId: 'social-care', name: 'Adult Social Care', kind: 'council' },
  { agencyId: 'hospital', name: 'District General Hospital', kind: 'health' },
  { agencyId: 'dwp', name: 'Jobcentre Plus', kind: 'benefits' },
  { agencyId: 'womens-aid', name: "Women's Aid", kind: 'charity' },
];

const care: Purpose[] = ['direct-support', 'referral'];

/** The demo agreement's grants, and grants for the four added agencies (`dwp` is covered by `kind:benefits`). */
export const BENCH_GRANTS: Grant[] = [
  ...DEMO_GRANTS,
  { recipient: 'social-care', categories: ['identity', 'safeguarding', 'support-plan', 'accommodation'], purposes: ['safeguarding', 'direct-support'], basis: 'public-task', consentRequired: false, retentionDays: 730 },
  { recipient: 'hospital', categories: ['identity', 'physical-health', 'mental-health', 'substance-use', 'referral'], purposes: care, basis: 'consent', consentRequired: true, retentionDays: 3650 },
  { recipient: 'womens-aid', categories: ['accommodation', 'support-plan', 'referral', 'safeguarding'], purposes: care, basis: 'consent', consentRequired: true, retentionDays: 365 },
];

/** One agency's signing identity: an ES256 key pair registered as its issuer's JWKS. */
export interface AgencyKey {
  agencyId: string;
  issuer: string;
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Generates a key pair per agency (kept by the benchmark so it can mint real tokens). */
export async function agencyKeys(agencyIds: readonly string[]): Promise<AgencyKey[]> {
  return Promise.all(
    agencyIds.map(async (agencyId) => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const kid = `${agencyId}-bench`;
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
      return { agencyId, issuer: `https://idp.${agencyId}.bench`, kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' }, publicJwk };
    }),
  );
}

const imported = new Map<string, Promise<KeyLike | Uint8Array>>();
const cacheKey = (key: AgencyKey): string => `${key.issuer}\u0000${String(key.privateJwk.d)}`;

/** A real ES256 token for the agency's user, valid for `ttlSeconds` (default two hours); `claims` adds claims (a `purpose`). */
export async function mintToken(key: AgencyKey, roles: Role[], ttlSeconds = 7200, claims: Record<string, unknown> = {}): Promise<string> {
  let signing = imported.get(cacheKey(key));
  if (!signing) imported.set(cacheKey(key), (signing = importJWK(key.privateJwk, 'ES256')));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, agency: key.agencyId, roles })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(key.issuer)
    .setAudience(AUDIENCE)
    .setSubject(`${key.agencyId}-${roles[0]}-bench`)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(await signing);
}
