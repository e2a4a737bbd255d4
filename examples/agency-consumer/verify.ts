import { decodeProtectedHeader, flattenedVerify, importJWK, type JWK, type KeyLike } from 'jose';
import type { HubMessage } from './hub-message';

/**
 * The hub's public signing keys, fetched from `<hub>/.well-known/jwks.json`. A message signed
 * with a key id not in the set makes it fetch the set again (the hub rotated its key), but at
 * most once per `cooldownMs` (waiting out the rest of the cooldown rather than rejecting a
 * genuine message), so messages naming made-up key ids cannot flood the hub. The set is also
 * refreshed when older than `maxAgeMs`, so a key the hub withdrew stops verifying.
 */
export class HubKeys {
  private keys = new Map<string, JWK>();
  private imported = new Map<string, Promise<KeyLike | Uint8Array>>();
  private fetchedAt = 0;

  constructor(
    readonly url: URL,
    private readonly cooldownMs = 10_000,
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  /** Fetches the key set now; throws when the hub does not answer with one. */
  async refresh(): Promise<void> {
    const res = await fetch(this.url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${this.url} answered ${res.status}`);
    const body = (await res.json()) as { keys?: JWK[] };
    if (!Array.isArray(body.keys)) throw new Error(`${this.url} did not return a JWKS`);
    this.keys = new Map(body.keys.filter((k) => typeof k.kid === 'string').map((k) => [k.kid!, k]));
    this.imported.clear();
    this.fetchedAt = Date.now();
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  /** The public key with this id, or undefined when the hub does not publish it. */
  async key(kid: string): Promise<KeyLike | Uint8Array | undefined> {
    const age = Date.now() - this.fetchedAt;
    if (age > this.maxAgeMs) await this.refresh().catch((e: unknown) => console.error(`warning: keeping the cached hub keys: ${String(e)}`));
    else if (!this.keys.has(kid)) {
      if (age < this.cooldownMs) await new Promise((resolve) => setTimeout(resolve, this.cooldownMs - age));
      await this.refresh();
    }
    const jwk = this.keys.get(kid);
    if (!jwk) return undefined;
    let key = this.imported.get(kid);
    if (!key) this.imported.set(kid, (key = importJWK(jwk, 'EdDSA')));
    return key;
  }
}

/** JSON with object keys sorted at every level and no whitespace: the bytes the hub signs. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Checks a message's signature: a detached JWS whose header says EdDSA, type
 * `onestop-message+jws` and a key id the hub publishes, over the canonical JSON of the message
 * without its `signature`. Returns why the message must be rejected, or undefined when it is
 * genuine. Throws only when the hub's keys cannot be fetched (try again later).
 */
export async function verifyHubMessage(message: HubMessage, keys: HubKeys): Promise<string | undefined> {
  const [header, empty, signature, ...rest] = message.signature.split('.');
  if (rest.length > 0 || empty !== '' || !header || !signature) return 'the signature is not a detached JWS';
  let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
  try {
    protectedHeader = decodeProtectedHeader(message.signature);
  } catch {
    return 'the signature header is not readable';
  }
  const { alg, typ, kid } = protectedHeader;
  if (alg !== 'EdDSA' || typ !== 'onestop-message+jws' || typeof kid !== 'string') return 'the signature is not a hub message signature';
  const key = await keys.key(kid);
  if (!key) return `the hub does not publish the key ${kid}`;
  const { signature: _detached, ...signed } = message;
  const payload = Buffer.from(canonicalJson(signed)).toString('base64url');
  try {
    await flattenedVerify({ protected: header, payload, signature }, key, { algorithms: ['EdDSA'] });
    return undefined;
  } catch {
    return 'the signature does not match the message';
  }
}
