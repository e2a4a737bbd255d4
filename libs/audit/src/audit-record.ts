/**
 * What the audit log records. Every record is one of these kinds:
 * - `access`: a person or system read, searched or exported data (agency, user, roles, purpose,
 *   person, categories, fields; `detail.action` says which call, `detail.breakGlass` marks reads
 *   under emergency access).
 * - `disclosure`: the hub released (part of) an event to an agency (event id, fields, basis,
 *   agreement version, grant).
 * - `retraction` / `retraction-ack`: the hub told an agency to delete what it held; the agency
 *   confirmed it had.
 * - `admin`: an agency was registered or changed (keys included), an agreement version published.
 * - `refused`: a request refused with 401 or 403.
 * - `break-glass` / `break-glass-review`: emergency access opened; the DPO's review of it.
 * - `erasure`: a person was erased (data key destroyed).
 * - `checkpoint`: not a record; checkpoints live beside the records (see `checkpoint.ts`).
 */
export const AUDIT_KINDS = [
  'access',
  'disclosure',
  'retraction',
  'retraction-ack',
  'admin',
  'refused',
  'break-glass',
  'break-glass-review',
  'erasure',
] as const;
/** One of `AUDIT_KINDS`. */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * One audit record before it is chained. Records never hold plain personal data about the people
 * supported: the person is named by `subject`, a keyed hash of their hub id; free text (reasons,
 * notes) is kept only as a keyed digest. Staff are named by their token subject, as an access log
 * must. `detail` holds kind-specific facts (basis, agreement, grant, status, counts).
 */
export interface AuditEntry {
  kind: AuditKind;
  /** When it happened (ISO 8601, the hub's clock). */
  at: string;
  /** The agency that acted (access, ack, refused, break-glass) or received (disclosure, retraction). */
  agencyId?: string;
  /** The user or system (token `sub`) that acted. */
  actor?: string;
  roles?: string[];
  purpose?: string;
  /** The person, as a keyed hash of their hub id (`sub_...`); never the id or a name. */
  subject?: string;
  categories?: string[];
  fields?: string[];
  /** Idempotency key: an entry whose `ref` is already recorded is not recorded again. */
  ref?: string;
  detail?: Record<string, unknown>;
}

/** What callers give: an entry naming the person by hub id, which the log turns into `subject`. */
export type AuditInput = Omit<AuditEntry, 'subject'> & { personId?: string };

/** A stored record: the entry, its place in the chain, and the hashes linking it. */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3, ... with no gaps. */
  seq: number;
  /** The `hash` of record `seq - 1` (`GENESIS_HASH` for the first). */
  prevHash: string;
  /**
   * SHA-256 (hex) over `prevHash`, the JSON array `[seq, at, kind, agencyId, subject, ref]` and the
   * canonical JSON of the other fields (see `chainHash`).
   */
  hash: string;
}
