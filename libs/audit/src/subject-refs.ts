import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the audit log names people and free text without holding them: HMAC-SHA-256 under a secret
 * of its own (`<dataDir>/secrets/audit.key`). The same person always has the same `subject`, so a
 * DPO can find every record about them, yet nothing in the log reveals who they are, and erasing
 * the person changes no record.
 */
export class SubjectRefs {
  /** References made lately (the publisher records several messages per person in a row); cleared when full. */
  private readonly recent = new Map<string, string>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('the audit secret must be at least 32 bytes');
  }

  /** The subject reference of a person's hub id: `sub_` and 32 base64url characters. */
  of(personId: string): string {
    let ref = this.recent.get(personId);
    if (ref === undefined) {
      if (this.recent.size >= RECENT_REFS) this.recent.clear();
      ref = 'sub_' + this.mac('person', personId).slice(0, 32);
      this.recent.set(personId, ref);
    }
    return ref;
  }

  /** A keyed digest of free text (a reason, a note), so it can be matched but not read. */
  digest(text: string): string {
    return 'dig_' + this.mac('text', text).slice(0, 43);
  }

  private mac(kind: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${kind}\u0000${value}`).digest('base64url');
  }
}

const RECENT_REFS = 10_000;

/** Loads the audit secret from `<dataDir>/secrets/audit.key`, creating it on first start. */
export function loadOrCreateAuditSecret(dataDir: string): Buffer {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'audit.key');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (secret.length !== 32) throw new Error(`secret file ${file} does not hold 32 bytes`);
  return secret;
}
