import { createHmac, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { AUDIENCE, Issuer } from '../support/hub-harness';

/** Token forging for the attack suite: tokens built by hand so that any header, claim or signature can be tried. */

export const b64 = (value: object | string): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The claims of a valid caseworker token from `issuer`; `overrides` change or (as undefined) drop them. */
export const claims = (issuer: Issuer, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: issuer.issuer,
  aud: AUDIENCE,
  sub: `${issuer.agencyId}-user`,
  agency: issuer.agencyId,
  roles: ['caseworker'],
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...overrides,
});

/** Anything that can sign ES256: an `Issuer` of the harness or a bare key pair. */
export interface Es256Signer {
  privateKey: unknown;
  publicJwk: { kid?: string };
}

/**
 * A token with a real ES256 signature over exactly the header and payload given (the header
 * defaults to `alg: ES256, typ: JWT` and the signer's `kid`). `dsaEncoding: 'der'` gives the
 * ASN.1 signature form that JWS forbids.
 */
export function handSigned(signer: Es256Signer, header: Record<string, unknown>, payload: Record<string, unknown>, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363'): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: signer.publicJwk.kid, ...header })}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: signer.privateKey as KeyObject, dsaEncoding });
  return `${input}.${signature.toString('base64url')}`;
}

/** An unsigned token (`alg` is `none` in the spelling given), with an empty or a junk signature part. */
export const unsigned = (payload: Record<string, unknown>, alg = 'none', signature = ''): string => `${b64({ alg, typ: 'JWT' })}.${b64(payload)}.${signature}`;

/**
 * The algorithm-confusion attack: an HMAC token keyed with the agency's *public* key, as a
 * verifier that trusts the header's `alg` would check it. `keyForm` is how the attacker
 * serialises that public key into the HMAC secret.
 */
export function hmacWithPublicKey(issuer: Issuer, payload: Record<string, unknown>, alg: 'HS256' | 'HS384' | 'HS512' = 'HS256', keyForm: 'pem' | 'jwk' | 'der' = 'pem'): string {
  const key = createPublicKey({ key: issuer.publicJwk as never, format: 'jwk' });
  const secret = keyForm === 'pem' ? key.export({ type: 'spki', format: 'pem' }) : keyForm === 'der' ? key.export({ type: 'spki', format: 'der' }) : JSON.stringify(issuer.publicJwk);
  const input = `${b64({ alg, typ: 'JWT', kid: issuer.publicJwk.kid })}.${b64(payload)}`;
  return `${input}.${createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url')}`;
}

/** A fresh ES256 key pair that no agency registered, with `kid` as its key id. */
export function strangerKey(kid = randomKid()): Es256Signer & { publicJwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

/** A key id that no registered key set holds. */
export const randomKid = (): string => randomBytes(12).toString('base64url');

/** Splits a compact token into its three parts. */
export const partsOf = (token: string): [string, string, string] => token.split('.') as [string, string, string];
