import type { AuditRecord } from '@onestop/audit';
import type { HubCloudEvent } from '@onestop/delivery';
import { SignJWT } from 'jose';
import type { Role } from '@onestop/domain';
import { AUDIENCE, Issuer, TestHub } from '../support/hub-harness';

/** A clock the test moves by hand. */
export class ManualClock {
  private t: number;
  constructor(start: string) {
    this.t = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.t);
  iso(): string {
    return new Date(this.t).toISOString();
  }
  advance(minutes: number): string {
    this.t += minutes * 60_000;
    return this.iso();
  }
}

/** Every audit record in the hub's log, read straight from the store (no access record made). */
export function storedRecords(hub: TestHub, query: Parameters<TestHub['runtime']['audit']['log']['query']>[0] = {}): AuditRecord[] {
  const all: AuditRecord[] = [];
  for (let after = 0; ; ) {
    const page = hub.runtime.audit.log.query({ ...query, afterSeq: after, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    after = page[page.length - 1].seq;
  }
}

/** The sequence number of the newest record. */
export const headSeq = (hub: TestHub): number => (hub.runtime.db.prepare('SELECT MAX(seq) FROM audit_records').pluck().get() as number | null) ?? 0;

/** Records written after `seq`. */
export const recordsAfter = (hub: TestHub, seq: number): AuditRecord[] => storedRecords(hub).filter((r) => r.seq > seq);

/** Every message in an agency's feed, read straight from the store. */
export function feedMessages(hub: TestHub, agencyId: string): HubCloudEvent[] {
  const all: HubCloudEvent[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = hub.runtime.feed.read(agencyId, cursor, 1000);
    all.push(...page.messages);
    if (page.messages.length < 1000) return all;
    cursor = page.cursor;
  }
}

/** The raw stored rows of the log, for looking for what must not be there. */
export const rawLog = (hub: TestHub): string =>
  (hub.runtime.db.prepare('SELECT * FROM audit_records ORDER BY seq').all() as Array<Record<string, unknown>>).map((r) => JSON.stringify(r)).join('\n');

/** A token of `issuer`'s agency for another user (the harness always names `<agency>-user`). */
export async function tokenFor(issuer: Issuer, subject: string, roles: Role[]): Promise<string> {
  return new SignJWT({ agency: issuer.agencyId, roles })
    .setProtectedHeader({ alg: 'ES256', kid: issuer.publicJwk.kid, typ: 'JWT' })
    .setIssuer(issuer.issuer)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(issuer.privateKey);
}
