import { AuditInput, AuditKind, AuditRecord } from './audit-record';
import { SignedCheckpoint } from './checkpoint';

/** A DPO's question to the log; every filter is optional and they combine with AND. */
export interface AuditQuery {
  /** Records about this person (matched through their subject reference). */
  personId?: string;
  agencyId?: string;
  kind?: AuditKind;
  /** `at` on or after (ISO 8601). */
  from?: string;
  /** `at` before (ISO 8601). */
  to?: string;
  /** Records after this sequence number (paging). */
  afterSeq?: number;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
}

/** The outcome of checking the whole log. */
export interface VerifyResult {
  ok: boolean;
  /** Records checked (up to the first bad one). */
  records: number;
  /** Signed checkpoints that held. */
  checkpoints: number;
  /** The first record that is missing, altered or out of place, and why. */
  firstBad?: { seq: number; reason: string };
  /** Whether an exported checkpoint was given, and whether the log matched it. */
  exportedCheckpoint: 'held' | 'failed' | 'not-given';
  elapsedMs: number;
}

/**
 * The audit log port. Rules every adapter holds:
 * - Append-only: no call updates or deletes a record; records are numbered 1, 2, 3, ... and each
 *   carries the hash of the one before, so any edit, deletion or reordering breaks the chain.
 * - Appends are synchronous and atomic: a batch is written entirely or not at all, inside the
 *   caller's transaction when `appendInTransaction` is used, so that an action and its record
 *   commit together (an action whose record cannot be written does not happen).
 * - An input with a `ref` already recorded is skipped, so redelivery never records twice.
 * - Inputs name people by hub id; the log stores only their subject reference.
 * - Signed checkpoints are made every N records and on demand; `verify` checks every record
 *   against the chain, the checkpoints and an exported checkpoint, and names the first bad one.
 */
export interface AuditLog {
  append(inputs: readonly AuditInput[]): AuditRecord[];
  /** Appends with other callers of the same moment in one transaction; resolves once committed. */
  appendSoon(inputs: readonly AuditInput[]): Promise<void>;
  /** Appends inside a transaction the caller has open on the same database. */
  appendInTransaction(inputs: readonly AuditInput[]): AuditRecord[];
  query(query: AuditQuery): AuditRecord[];
  /** The subject reference the log uses for a person. */
  subjectOf(personId: string): string;
  /** Signs a checkpoint over every record not yet covered (none when there are none). */
  checkpoint(): Promise<SignedCheckpoint | undefined>;
  checkpoints(): SignedCheckpoint[];
  verify(options?: { exportedCheckpoint?: unknown }): Promise<VerifyResult>;
}
