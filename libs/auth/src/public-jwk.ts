import { createPublicKey, JsonWebKey } from 'node:crypto';

/** JWK members that only a private or symmetric key has. */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * Why a JWK cannot be trusted to verify tokens, or `undefined` when it can: it must be a complete
 * public EC, OKP or RSA key, with nothing private or symmetric in it.
 */
export function publicJwkProblem(key: unknown): string | undefined {
  if (!key || typeof key !== 'object' || Array.isArray(key)) return 'must be a JWK object';
  if (SECRET_MEMBERS.some((member) => member in key)) return 'must be a public key (no private or symmetric parts)';
  let type: string | undefined;
  try {
    type = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).asymmetricKeyType;
  } catch {
    type = undefined;
  }
  return type && ['ec', 'ed25519', 'ed448', 'rsa'].includes(type) ? undefined : 'must be a public EC, OKP or RSA key in JWK form';
}
