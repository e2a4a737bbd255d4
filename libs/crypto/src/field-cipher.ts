import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/** A value sealed under a person's data key: `enc:v1:<iv>.<tag>.<ciphertext>` (base64url). */
export type SealedValue = string;

export const isSealed = (value: unknown): value is SealedValue => typeof value === 'string' && value.startsWith(PREFIX);

/** Encrypts a JSON value with AES-256-GCM; `aad` binds it to its event and field. */
export function seal(key: Buffer, value: unknown, aad: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
}

/** Decrypts a sealed value; throws when the key, the AAD or the bytes are wrong. */
export function unseal(key: Buffer, sealed: SealedValue, aad: string): unknown {
  const [iv, tag, body] = sealed.slice(PREFIX.length).split('.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}
