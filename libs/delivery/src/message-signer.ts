import { createPrivateKey, KeyObject, sign } from 'node:crypto';
import { exportJWK, flattenedVerify, generateKeyPair, importJWK, JWK } from 'jose';
import { canonicalJson, HubCloudEvent } from './cloud-event';

/** The hub's public signing keys, as published at `/.well-known/jwks.json`. */
export interface HubJwks {
  keys: JWK[];
}

/** The JWS `typ` of message signatures. */
export const MESSAGE_TYP = 'onestop-message+jws';

/**
 * Signs messages to agencies with the hub's Ed25519 key: a detached JWS (`header..signature`)
 * over the canonical JSON of the message without its `signature`. Ed25519 signatures are
 * deterministic, so rebuilding a feed yields byte-identical messages.
 *
 * The JWS is made with Node's own Ed25519 (`crypto.sign`, run on libuv's thread pool), exactly as
 * a JOSE library makes it: the protected header `{"alg":"EdDSA","kid":…,"typ":…}` in base64url,
 * a dot, the payload in base64url, signed as ASCII.
 */
export class MessageSigner {
  /** The base64url protected header of each `typ`, worked out once. */
  private readonly headers = new Map<string, string>();

  private constructor(
    private readonly key: KeyObject,
    readonly kid: string,
    readonly jwks: HubJwks,
  ) {}

  static async fromPrivateJwk(jwk: JWK): Promise<MessageSigner> {
    if (jwk.crv !== 'Ed25519' || !jwk.d || !jwk.kid) throw new Error('the hub signing key must be an Ed25519 private JWK with a kid');
    const { d: _d, ...publicJwk } = jwk;
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
    return new MessageSigner(key, jwk.kid, { keys: [{ ...publicJwk, alg: 'EdDSA', use: 'sig' }] });
  }

  /** A new private JWK (for the first start of a hub). */
  static async generatePrivateJwk(kid: string): Promise<JWK> {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    return { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
  }

  async sign(message: Omit<HubCloudEvent, 'signature'>): Promise<HubCloudEvent> {
    return { ...message, signature: await this.detached(canonicalJson(message), MESSAGE_TYP) };
  }

  /**
   * Signs any JSON payload (audit checkpoints, exports): a detached JWS `header..signature` over
   * its canonical JSON, with `typ` naming what it is. Verify with `verifyPayload`.
   */
  signPayload(payload: unknown, typ: string): Promise<string> {
    return this.detached(canonicalJson(payload), typ);
  }

  private detached(json: string, typ: string): Promise<string> {
    let header = this.headers.get(typ);
    if (header === undefined) {
      header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: this.kid, typ })).toString('base64url');
      this.headers.set(typ, header);
    }
    const input = Buffer.from(`${header}.${Buffer.from(json).toString('base64url')}`, 'latin1');
    return new Promise((resolve, reject) =>
      sign(null, input, this.key, (error, signature) => (error ? reject(error) : resolve(`${header}..${signature.toString('base64url')}`))),
    );
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
