import type { Database, Statement } from 'better-sqlite3';
import { writeGateOf } from '@onestop/event-store';
import { canonicalJson, HubJwks } from '@onestop/delivery';
import { AuditLog, AuditQuery, VerifyResult } from './audit-log.port';
import { AUDIT_KINDS, AuditEntry, AuditInput, AuditRecord } from './audit-record';
import { CHECKPOINT_TYP, CheckpointSigner, nextCheckpointPayload, SignedCheckpoint } from './checkpoint';
import { chainRecord, checkRawRecord, GENESIS_HASH, RawRecordRow, recordOf, StoredRecordRow } from './hash-chain';
import { merkleRoot } from './merkle';
import { createAuditTables } from './sqlite-audit-tables';
import { verifyStoredLog } from './sqlite-audit-verifier';
import { SubjectRefs } from './subject-refs';

/** How a SQLite audit log names people, signs and verifies checkpoints, and reports failures. */
export interface SqliteAuditLogOptions {
  refs: SubjectRefs;
  /** Signs checkpoints; without it no checkpoint is made (a read-only verifier needs only `jwks`). */
  signer?: CheckpointSigner;
  /** Public keys that verify checkpoints; defaults to the signer's. */
  jwks?: HubJwks;
  /** A checkpoint is signed once this many records are uncovered. Default 1,000. */
  checkpointEvery?: number;
  now?: () => Date;
  /** Called when a background checkpoint fails (the records themselves are unaffected). */
  onError?: (error: Error) => void;
}

/**
 * The audit log in the hub's SQLite file (table `audit_records`). Appends read the head and
 * insert in one transaction (IMMEDIATE when the log opens it), so two processes sharing the file
 * never fork the chain. Checkpoints are signed in the background once `checkpointEvery` records
 * are uncovered, and on demand.
 */
export class SqliteAuditLog implements AuditLog {
  private readonly s: Record<'head' | 'insert' | 'lastCheckpoint' | 'range' | 'insertCheckpoint' | 'checkpoints', Statement>;
  private pendingCheckpoint: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  /** The last record covered by a checkpoint, as this process last saw it. */
  private coveredTo?: number;
  /** Inputs waiting for the next group commit, with their callers' promises. */
  private group: Array<{ inputs: readonly AuditInput[]; done: (error?: Error) => void }> = [];

  constructor(
    private readonly db: Database,
    private readonly options: SqliteAuditLogOptions,
  ) {
    createAuditTables(db);
    this.s = {
      head: db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1'),
      // A record whose ref is already there is left out (idempotent appends); any other conflict is an error.
      insert: db.prepare(
        'INSERT INTO audit_records (seq, at, kind, agency_id, subject, ref, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ref) WHERE ref IS NOT NULL DO NOTHING',
      ),
      lastCheckpoint: db.prepare('SELECT payload, signature FROM audit_checkpoints ORDER BY idx DESC LIMIT 1'),
      range: db.prepare('SELECT seq, at, kind, agency_id, subject, ref, body, prev_hash, hash FROM audit_records WHERE seq >= ? AND seq <= ? ORDER BY seq').raw(),
      insertCheckpoint: db.prepare('INSERT INTO audit_checkpoints (idx, from_seq, to_seq, payload, signature) VALUES (?, ?, ?, ?, ?)'),
      checkpoints: db.prepare('SELECT payload, signature FROM audit_checkpoints ORDER BY idx'),
    };
  }

  subjectOf(personId: string): string {
    return this.options.refs.of(personId);
  }

  /** A keyed digest of free text, for records that must refer to a reason without holding it. */
  digestOf(text: string): string {
    return this.options.refs.digest(text);
  }

  append(inputs: readonly AuditInput[]): AuditRecord[] {
    return this.db.transaction(() => this.appendInTransaction(inputs)).immediate();
  }

  /**
   * Appends in a group commit: inputs from callers in the same turn of the event loop go in one
   * transaction (one fsync), and each promise resolves once its records are committed. Callers
   * answer only after it resolves, so nothing is shown before its record is written. A group that
   * fails is retried one caller at a time, so one bad input fails only its own caller.
   */
  appendSoon(inputs: readonly AuditInput[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.group.push({ inputs, done: (error) => (error ? reject(error) : resolve()) });
      if (this.group.length === 1) setImmediate(() => void writeGateOf(this.db).run(() => this.commitGroup()));
    });
  }

  private commitGroup(): void {
    const group = this.group;
    this.group = [];
    try {
      this.append(group.flatMap((g) => g.inputs));
      group.forEach((g) => g.done());
    } catch {
      for (const g of group) {
        try {
          this.append(g.inputs);
          g.done();
        } catch (error) {
          g.done(error as Error);
        }
      }
    }
  }

  appendInTransaction(inputs: readonly AuditInput[]): AuditRecord[] {
    const head = this.s.head.get() as { seq: number; hash: string } | undefined;
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS_HASH;
    const written: AuditRecord[] = [];
    for (const input of inputs) {
      const entry = this.toEntry(input);
      const { record, rest } = chainRecord(seq + 1, prev, entry);
      const inserted = this.s.insert.run(record.seq, entry.at, entry.kind, entry.agencyId ?? null, entry.subject ?? null, entry.ref ?? null, rest, prev, record.hash);
      if (inserted.changes === 0) continue;
      written.push(record);
      seq = record.seq;
      prev = record.hash;
    }
    if (written.length > 0) this.scheduleCheckpoint(seq);
    return written;
  }

  query(q: AuditQuery): AuditRecord[] {
    const where: string[] = ['seq > @afterSeq'];
    if (q.personId !== undefined) where.push('subject = @subject');
    if (q.agencyId !== undefined) where.push('agency_id = @agencyId');
    if (q.kind !== undefined) where.push('kind = @kind');
    if (q.from !== undefined) where.push('at >= @from');
    if (q.to !== undefined) where.push('at < @to');
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const rows = this.db
      .prepare(`SELECT * FROM audit_records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${limit}`)
      .all({ afterSeq: q.afterSeq ?? 0, subject: q.personId === undefined ? null : this.subjectOf(q.personId), agencyId: q.agencyId, kind: q.kind, from: q.from, to: q.to }) as StoredRecordRow[];
    return rows.map(recordOf);
  }

  checkpoints(): SignedCheckpoint[] {
    return (this.s.checkpoints.all() as Array<{ payload: string; signature: string }>).map((r) => ({ payload: JSON.parse(r.payload), signature: r.signature }));
  }

  latestCheckpoint(): SignedCheckpoint | undefined {
    const row = this.s.lastCheckpoint.get() as { payload: string; signature: string } | undefined;
    return row ? { payload: JSON.parse(row.payload), signature: row.signature } : undefined;
  }

  /** Signs a checkpoint over the records not yet covered; one at a time per process. */
  checkpoint(): Promise<SignedCheckpoint | undefined> {
    const next = this.pendingCheckpoint.catch(() => undefined).then(() => this.signCheckpoint());
    this.pendingCheckpoint = next;
    return next;
  }

  /** Resolves once background checkpointing is done (for shutdown and tests). */
  async settled(): Promise<void> {
    await this.pendingCheckpoint.catch(() => undefined);
  }

  verify(options: { exportedCheckpoint?: unknown } = {}): Promise<VerifyResult> {
    return verifyStoredLog(this.db, this.options.jwks ?? this.options.signer?.jwks, options.exportedCheckpoint);
  }

  private toEntry(input: AuditInput): AuditEntry {
    if (!(AUDIT_KINDS as readonly string[]).includes(input.kind)) throw new Error(`unknown audit kind ${input.kind}`);
    const { personId, ...entry } = input;
    return personId === undefined ? entry : { ...entry, subject: this.subjectOf(personId) };
  }

  private scheduleCheckpoint(head: number): void {
    const every = this.options.checkpointEvery ?? 1000;
    if (!this.options.signer || this.scheduled) return;
    this.coveredTo ??= this.latestCheckpoint()?.payload.toSeq ?? 0;
    if (head - this.coveredTo < every) return;
    this.scheduled = true;
    this.checkpoint()
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => (this.scheduled = false));
  }

  private async signCheckpoint(): Promise<SignedCheckpoint | undefined> {
    const { signer } = this.options;
    if (!signer) throw new Error('this audit log has no key to sign checkpoints with');
    const previous = this.latestCheckpoint();
    this.coveredTo = previous?.payload.toSeq ?? 0;
    const head = this.s.head.get() as { seq: number; hash: string } | undefined;
    if (!head || (previous && previous.payload.toSeq >= head.seq)) return previous;
    const fromSeq = (previous?.payload.toSeq ?? 0) + 1;
    const rows = this.s.range.all(fromSeq, head.seq) as RawRecordRow[];
    let prevHash = previous?.payload.headHash ?? GENESIS_HASH;
    const hashes: string[] = [];
    for (const [i, row] of rows.entries()) {
      const reason = checkRawRecord(row, fromSeq + i, prevHash);
      if (reason) throw new Error(`refusing to sign a checkpoint over a broken log: record ${fromSeq + i}: ${reason}`);
      prevHash = row[8] as string;
      hashes.push(prevHash);
    }
    if (rows.length !== head.seq - fromSeq + 1) throw new Error('refusing to sign a checkpoint over a broken log: records are missing');
    const createdAt = (this.options.now?.() ?? new Date()).toISOString();
    const payload = nextCheckpointPayload(previous?.payload, { toSeq: head.seq, headHash: head.hash, merkleRoot: merkleRoot(hashes) }, createdAt);
    const signature = await signer.signPayload(payload, CHECKPOINT_TYP);
    return this.db
      .transaction((): SignedCheckpoint | undefined => {
        const latest = this.latestCheckpoint();
        if ((latest?.payload.index ?? 0) !== payload.index - 1) return latest;
        this.s.insertCheckpoint.run(payload.index, payload.fromSeq, payload.toSeq, canonicalJson(payload), signature);
        this.coveredTo = payload.toSeq;
        return { payload, signature };
      })
      .immediate();
  }
}
