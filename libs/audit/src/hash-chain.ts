import { canonicalJson } from '@onestop/delivery';
import { AuditEntry, AuditRecord } from './audit-record';
import { sha256Hex } from './sha256';

/** The previous hash of the first record: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** A record as stored: the columns a DPO filters by, and the canonical JSON of everything else. */
export interface StoredRecordRow {
  seq: number;
  at: unknown;
  kind: unknown;
  agency_id: unknown;
  subject: unknown;
  ref: unknown;
  body: unknown;
  prev_hash: unknown;
  hash: unknown;
}

/** The record's place and filterable fields as one JSON array: `[seq, at, kind, agencyId, subject, ref]`. */
export const recordHead = (seq: number, at: unknown, kind: unknown, agencyId: unknown, subject: unknown, ref: unknown): string =>
  JSON.stringify([seq, at, kind, agencyId ?? null, subject ?? null, ref ?? null]);

/** The canonical JSON of an entry's other fields (actor, roles, purpose, categories, fields, detail). */
export function recordRest(entry: AuditEntry): string {
  const { at: _at, kind: _kind, agencyId: _agency, subject: _subject, ref: _ref, ...rest } = entry;
  return canonicalJson(rest);
}

/**
 * SHA-256 (hex) over the previous record's hash, the record's head and, after a newline, the
 * rest of the record. The head is hashed as rebuilt from the stored columns, so no column can
 * say something other than what was hashed, and checking a record needs no JSON parsing. A
 * newline never occurs in the head (JSON escapes it), so head and rest cannot be confused.
 */
export function chainHash(prevHash: string, head: string, rest: string): string {
  return sha256Hex(`${prevHash}${head}\n${rest}`);
}

/** Chains an entry after the record whose hash is `prevHash`; `rest` is what the body column holds. */
export function chainRecord(seq: number, prevHash: string, entry: AuditEntry): { record: AuditRecord; rest: string } {
  const rest = recordRest(entry);
  const hash = chainHash(prevHash, recordHead(seq, entry.at, entry.kind, entry.agencyId, entry.subject, entry.ref), rest);
  return { record: { ...entry, seq, prevHash, hash }, rest };
}

/** The stored row of a chained record. */
export function storedRow(record: AuditRecord, rest: string): StoredRecordRow {
  return { seq: record.seq, at: record.at, kind: record.kind, agency_id: record.agencyId ?? null, subject: record.subject ?? null, ref: record.ref ?? null, body: rest, prev_hash: record.prevHash, hash: record.hash };
}

/** Rebuilds the record from its stored row (for queries; verification never needs to). */
export function recordOf(row: StoredRecordRow): AuditRecord {
  const columns = { at: row.at, kind: row.kind, ...(row.agency_id !== null ? { agencyId: row.agency_id } : {}), ...(row.subject !== null ? { subject: row.subject } : {}), ...(row.ref !== null ? { ref: row.ref } : {}) };
  return { ...(JSON.parse(String(row.body)) as object), ...columns, seq: row.seq, prevHash: row.prev_hash, hash: row.hash } as AuditRecord;
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';

/**
 * Checks one stored record against the chain: its place (`expectedSeq`), the link to the record
 * before, and its hash over its columns and body. Returns why it is bad, or `undefined`.
 */
export function checkStoredRecord(row: StoredRecordRow, expectedSeq: number, prevHash: string): string | undefined {
  return checkRawRecord([row.seq, row.at, row.kind, row.agency_id, row.subject, row.ref, row.body, row.prev_hash, row.hash], expectedSeq, prevHash);
}

/** The columns of a stored record in table order, as `SELECT seq, at, kind, agency_id, subject, ref, body, prev_hash, hash` returns them raw. */
export type RawRecordRow = [seq: number, at: unknown, kind: unknown, agencyId: unknown, subject: unknown, ref: unknown, body: unknown, prevHash: unknown, hash: unknown];

/** `checkStoredRecord` over a raw row (no object per row: verification reads a million of them). */
export function checkRawRecord(row: RawRecordRow, expectedSeq: number, prevHash: string): string | undefined {
  const [seq, at, kind, agencyId, subject, ref, body, storedPrev, hash] = row;
  if (seq !== expectedSeq) return seq > expectedSeq ? `record ${expectedSeq} is missing` : `record ${seq} is out of order`;
  if (storedPrev !== prevHash) return 'the previous-hash link does not match the record before';
  if (!isText(at) || !isText(kind) || !isText(body) || !isText(hash) || !isTextOrNull(agencyId) || !isTextOrNull(subject) || !isTextOrNull(ref)) {
    return 'the record is not stored as text';
  }
  if (chainHash(prevHash, recordHead(seq, at, kind, agencyId, subject, ref), body) !== hash) return 'the record was altered: its hash does not match its content';
  return undefined;
}
