import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Purpose, Role } from '@onestop/domain';

/** A demo signing key: the private JWK (never leaves the data directory) and its public JWKS. */
export interface DevKey {
  privateJwk: JWK;
  publicJwks: { keys: JWK[] };
  kid: string;
}

/** What a dev token says; `ttlSeconds` defaults to one hour and may not exceed twelve. */
export interface DevTokenRequest {
  privateJwk: JWK;
  kid: string;
  issuer: string;
  audience: string;
  agencyId: string;
  subject: string;
  roles: Role[];
  purpose?: Purpose;
  ttlSeconds?: number;
}

const DEV_KEY_ID = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,62}$/;
const MAX_TTL_SECONDS = 12 * 3600;

/** The issuer the embedded demo uses for a dev key id (an agency id or `partnership-admin`). */
export const devIssuer = (id: string): string => `urn:onestop:dev:${id}`;

/**
 * Loads the demo's ES256 keys from `<dir>/dev-keys/<id>.json`, generating and storing any that
 * are missing (files 0600, directory 0700), so tokens minted before a restart stay valid.
 */
export async function loadOrCreateDevKeys(dir: string, ids: string[]): Promise<Map<string, DevKey>> {
  const keyDir = join(dir, 'dev-keys');
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  await chmod(keyDir, 0o700);
  const keys = new Map<string, DevKey>();
  for (const id of ids) {
    if (!DEV_KEY_ID.test(id)) throw new RangeError(`invalid dev key id: ${id}`);
    keys.set(id, await loadOrCreate(join(keyDir, `${id}.json`)));
  }
  return keys;
}

async function loadOrCreate(file: string): Promise<DevKey> {
  const existing = await readKey(file);
  if (existing) return existing;
  const created = await generateDevKey();
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify({ kid: created.kid, privateJwk: created.privateJwk }, null, 2), {
    mode: 0o600,
    flag: 'wx',
  });
  try {
    await chmod(temp, 0o600);
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKey(file);
    if (!winner) throw error;
    return winner;
  } finally {
    await unlink(temp);
  }
  return created;
}

async function readKey(file: string): Promise<DevKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const stored = parseStored(text);
  if (!stored) throw new Error(`dev key file ${file} is not a valid ES256 key`);
  await chmod(file, 0o600);
  return devKeyFrom(stored.privateJwk, stored.kid);
}

function parseStored(text: string): { kid: string; privateJwk: JWK } | undefined {
  try {
    const stored = JSON.parse(text) as { kid?: unknown; privateJwk?: JWK };
    const jwk = stored.privateJwk;
    if (typeof stored.kid !== 'string' || !jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) return undefined;
    return { kid: stored.kid, privateJwk: jwk };
  } catch {
    return undefined;
  }
}

async function generateDevKey(): Promise<DevKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const { kty, crv, x, y } = privateJwk;
  return devKeyFrom(privateJwk, await calculateJwkThumbprint({ kty, crv, x, y }));
}

function devKeyFrom(jwk: JWK, kid: string): DevKey {
  const { kty, crv, x, y, d } = jwk;
  const publicJwk: JWK = { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
  return { privateJwk: { ...publicJwk, d }, publicJwks: { keys: [publicJwk] }, kid };
}

/** Signs a demo token (ES256, `typ: JWT`, `kid` set) that TokenVerifier accepts for the issuer. */
export async function mintDevToken(request: DevTokenRequest): Promise<string> {
  const ttl = request.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be an integer between 1 and ${MAX_TTL_SECONDS}`);
  }
  const key = await importJWK(request.privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    agency: request.agencyId,
    roles: request.roles,
    ...(request.purpose !== undefined && { purpose: request.purpose }),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: request.kid })
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setSubject(request.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(key);
}
