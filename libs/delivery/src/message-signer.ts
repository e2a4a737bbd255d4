import { CompactSign, exportJWK, flattenedVerify, generateKeyPair, importJWK, JWK, KeyLike } from 'jose';
import { canonicalJson, HubCloudEvent } from './cloud-event';

/** The hub's public signing keys, as published at `/.well-known/jwks.json`. */
export interface HubJwks {
  keys: JWK[];
}

/**
 * Signs messages to agencies with the hub's Ed25519 key: a detached JWS (`header..signature`)
 * over the canonical JSON of the message without its `signature`. Ed25519 signatures are
 * deterministic, so rebuilding a feed yields byte-identical messages.
 */
export class MessageSigner {
  private constructor(
    private readonly key: KeyLike | Uint8Array,
    readonly kid: string,
    readonly jwks: HubJwks,
  ) {}

  static async fromPrivateJwk(jwk: JWK): Promise<MessageSigner> {
    if (jwk.crv !== 'Ed25519' || !jwk.d || !jwk.kid) throw new Error('the hub signing key must be an Ed25519 private JWK with a kid');
    const { d: _d, ...publicJwk } = jwk;
    return new MessageSigner(await importJWK(jwk, 'EdDSA'), jwk.kid, { keys: [{ ...publicJwk, alg: 'EdDSA', use: 'sig' }] });
  }

  /** A new private JWK (for the first start of a hub). */
  static async generatePrivateJwk(kid: string): Promise<JWK> {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    return { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
  }

  async sign(message: Omit<HubCloudEvent, 'signature'>): Promise<HubCloudEvent> {
    const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(message)))
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: 'onestop-message+jws' })
      .sign(this.key);
    const [header, , signature] = jws.split('.');
    return { ...message, signature: `${header}..${signature}` };
  }

  /**
   * Signs any JSON payload (audit checkpoints, exports): a detached JWS `header..signature` over
   * its canonical JSON, with `typ` naming what it is. Verify with `verifyPayload`.
   */
  async signPayload(payload: unknown, typ: string): Promise<string> {
    const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(payload))).setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ }).sign(this.key);
    const [header, , signature] = jws.split('.');
    return `${header}..${signature}`;
  }
}

/** Whether a string is base64url exactly as an encoder writes it (no padding, no stray bits). */
const canonicalBase64url = (text: string): boolean => /^[A-Za-z0-9_-]+$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;

/**
 * Verifies a detached JWS made by `signPayload` against a JWKS: EdDSA only, the `typ` expected,
 * and both parts in canonical base64url, so that no other string than the one signed verifies.
 */
export async function verifyPayload(payload: unknown, detached: string, jwks: HubJwks, typ: string): Promise<boolean> {
  const [header, empty, signature, ...rest] = detached.split('.');
  if (rest.length > 0 || empty !== '' || !header || !signature || !canonicalBase64url(header) || !canonicalBase64url(signature)) return false;
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: string; alg?: string; typ?: string };
    if (parsed.alg !== 'EdDSA' || parsed.typ !== typ) return false;
    const jwk = jwks.keys.find((k) => k.kid === parsed.kid);
    if (!jwk) return false;
    const body = Buffer.from(canonicalJson(payload)).toString('base64url');
    await flattenedVerify({ protected: header, payload: body, signature }, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
    return true;
  } catch {
    return false;
  }
}

/** Verifies a message's detached signature against a JWKS (what an agency does). */
export async function verifyMessage(message: HubCloudEvent, jwks: HubJwks): Promise<boolean> {
  if (!message.signature) return false;
  const [header, empty, signature] = message.signature.split('.');
  if (empty !== '' || !header || !signature) return false;
  const { signature: _s, ...body } = message;
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: string; alg?: string };
  if (alg !== 'EdDSA') return false;
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  try {
    const payload = Buffer.from(canonicalJson(body)).toString('base64url');
    await flattenedVerify({ protected: header, payload, signature }, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
    return true;
  } catch {
    return false;
  }
}
