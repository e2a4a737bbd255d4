import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { MessageSigner } from '@onestop/delivery';
import { openDatabase } from '@onestop/event-store';
import { AUDIT_KINDS, AuditInput } from '../src/audit-record';
import { SqliteAuditLog, SqliteAuditLogOptions } from '../src/sqlite-audit-log';
import { SubjectRefs } from '../src/subject-refs';

/** A hub-like signing key for tests; from a 32-byte seed when given, so a run can be replayed. */
export async function testSigner(kid = 'hub-test', seed?: Buffer): Promise<MessageSigner> {
  if (!seed) return MessageSigner.fromPrivateJwk(await MessageSigner.generatePrivateJwk(kid));
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const jwk = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  return MessageSigner.fromPrivateJwk({ ...jwk, kty: 'OKP', kid, alg: 'EdDSA' });
}

/** An audit log on a real SQLite file in a fresh directory. */
export interface TestAuditLog {
  dir: string;
  file: string;
  db: Database;
  log: SqliteAuditLog;
  signer: MessageSigner;
  refs: SubjectRefs;
  /** Closes the database and removes the directory. */
  dispose(): void;
}

export async function openTestAuditLog(options: Partial<SqliteAuditLogOptions> & { signer?: MessageSigner } = {}): Promise<TestAuditLog> {
  const dir = mkdtempSync(join(tmpdir(), 'onestop-audit-'));
  const file = join(dir, 'hub.db');
  const db = openDatabase(file);
  const signer = options.signer ?? (await testSigner());
  const refs = options.refs ?? new SubjectRefs(randomBytes(32));
  const log = new SqliteAuditLog(db, { ...options, refs, signer });
  return {
    dir,
    file,
    db,
    log,
    signer,
    refs,
    dispose: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const AGENCIES = ['housing', 'police', 'sms', 'health', 'mental-health', 'benefits'];
const CATEGORIES = ['identity', 'accommodation', 'substance-use', 'mental-health', 'referral', 'offending'];

/** A deterministic generator (mulberry32), so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` varied audit inputs of every kind, about a small set of people, one minute apart. */
export function sampleInputs(n: number, random: () => number = Math.random, start = Date.parse('2030-01-01T00:00:00Z')): AuditInput[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  return Array.from({ length: n }, (_, i) => ({
    kind: pick(AUDIT_KINDS),
    at: new Date(start + i * 60_000).toISOString(),
    agencyId: pick(AGENCIES),
    actor: `${pick(AGENCIES)}-user-${Math.floor(random() * 50)}`,
    roles: ['caseworker'],
    purpose: 'direct-support',
    personId: `00000000-0000-4000-8000-${String(Math.floor(random() * 200)).padStart(12, '0')}`,
    categories: [pick(CATEGORIES), pick(CATEGORIES)],
    fields: ['needs'],
    ...(random() < 0.5 ? { ref: `test:${i}:${Math.floor(random() * 1e9)}` } : {}),
    detail: { action: 'read', events: Math.floor(random() * 20) },
  }));
}
