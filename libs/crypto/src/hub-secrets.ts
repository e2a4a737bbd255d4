import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The hub's own secrets, kept in files outside the database so a copied database reveals nothing. */
export interface HubSecrets {
  /** Wraps the per-person data keys. */
  masterKey: Buffer;
  /** Keys the per-agency pseudonyms. */
  pseudonymSecret: Buffer;
}

function loadOrCreate(file: string): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`secret file ${file} does not hold 32 bytes`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/** Loads the secrets from `<dir>/secrets/`, creating them on first start. */
export function loadOrCreateHubSecrets(dataDir: string): HubSecrets {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { masterKey: loadOrCreate(join(dir, 'master.key')), pseudonymSecret: loadOrCreate(join(dir, 'pseudonym.key')) };
}
