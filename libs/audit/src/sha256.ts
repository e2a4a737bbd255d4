import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Buffer, encoding: 'hex' | 'buffer') => string | Buffer;
/** Node's one-shot `crypto.hash` (20.12+), markedly faster for the many small hashes of a verification. */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** SHA-256 of text, as hex. */
export const sha256Hex = (text: string): string => (oneShot ? (oneShot('sha256', text, 'hex') as string) : crypto.createHash('sha256').update(text).digest('hex'));

/** SHA-256 of bytes. */
export const sha256 = (bytes: Buffer): Buffer => (oneShot ? (oneShot('sha256', bytes, 'buffer') as Buffer) : crypto.createHash('sha256').update(bytes).digest());
