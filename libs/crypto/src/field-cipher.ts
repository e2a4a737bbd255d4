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
  const tagAt = sealed.indexOf('.', PREFIX.length) + 1;
  const bodyAt = tagAt > 0 ? sealed.indexOf('.', tagAt) + 1 : 0;
  if (bodyAt === 0 || !sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.slice(PREFIX.length, tagAt - 1), 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(sealed.slice(tagAt, bodyAt - 1), 'base64url'));
  const plain = decipher.update(Buffer.from(sealed.slice(bodyAt), 'base64url'));
  const rest = decipher.final(); // checks the tag; AES-GCM gives nothing more here
  return JSON.parse((rest.length ? Buffer.concat([plain, rest]) : plain).toString('utf8'));
}
