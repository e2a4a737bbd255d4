import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { verifyStoredLog } from '@onestop/audit';
import type { HubJwks } from '@onestop/delivery';
import { HubError } from '@onestop/domain';

const USAGE = 'npm run audit:verify -- [--data-dir <dir>] [--checkpoint <exported checkpoint file>] [--jwks <hub JWKS file>]';

/** The hub's public signing keys: a JWKS file given, else the public half of the hub's own key. */
function publicKeys(dataDir: string, jwksFile?: string): HubJwks {
  if (jwksFile) return JSON.parse(readFileSync(jwksFile, 'utf8')) as HubJwks;
  const { d: _d, ...publicJwk } = JSON.parse(readFileSync(join(dataDir, 'secrets', 'hub-signing.jwk'), 'utf8')) as Record<string, unknown>;
  return { keys: [{ ...publicJwk, alg: 'EdDSA', use: 'sig' } as HubJwks['keys'][number]] };
}

/** An exported checkpoint as saved from `POST /v1/audit/checkpoints` (`{ checkpoint, jwks }`) or bare. */
function exportedCheckpoint(file: string): unknown {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { checkpoint?: unknown };
  return saved.checkpoint ?? saved;
}

/**
 * Checks the audit log of a hub's data directory against its hash chain, its signed checkpoints
 * and, when given, a checkpoint exported earlier; opens the database read-only. Exit 0: intact;
 * 1: tampered (the first bad record is named); 2: could not check.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, checkpoint: { type: 'string' }, jwks: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = values['data-dir'] ?? process.env.HUB_DATA_DIR ?? './data';
  const file = join(dataDir, 'hub.db');
  if (!existsSync(file)) throw new Error(`no hub database at ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasLog = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('audit_records', 'audit_checkpoints')").pluck().get() === 2;
    if (!hasLog) throw new Error(`no audit log in ${file}`);
    const result = await verifyStoredLog(db, publicKeys(dataDir, values.jwks), values.checkpoint ? exportedCheckpoint(values.checkpoint) : undefined);
    const against = result.exportedCheckpoint === 'not-given' ? '' : `, exported checkpoint ${result.exportedCheckpoint}`;
    console.log(`audit log ${file}: ${result.records} records checked, ${result.checkpoints} signed checkpoints${against}, ${result.elapsedMs} ms`);
    if (result.ok) {
      console.log('OK: the log is intact.');
      return 0;
    }
    console.log(`TAMPERED: the first bad record is ${result.firstBad!.seq}: ${result.firstBad!.reason}`);
    return 1;
  } finally {
    db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof HubError ? `${error.message}: ${JSON.stringify(error.details)}` : error instanceof Error ? error.message : String(error);
    console.error(`could not verify the audit log: ${message}\nusage: ${USAGE}`);
    process.exit(2);
  },
);
