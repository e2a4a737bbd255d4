import type { Database } from 'better-sqlite3';
import { canonicalJson, HubJwks } from '@onestop/delivery';
import { ValidationError } from '@onestop/domain';
import { VerifyResult } from './audit-log.port';
import { CheckpointPayload, checkpointDigest, checkpointProblem, SignedCheckpoint } from './checkpoint';
import { checkRawRecord, GENESIS_HASH, RawRecordRow } from './hash-chain';
import { merkleRoot } from './merkle';

interface CheckpointRow {
  idx: number;
  from_seq: unknown;
  to_seq: unknown;
  payload: unknown;
  signature: unknown;
}

type Problem = { seq: number; reason: string };

/** Rows read per step; the event loop is given a turn between steps. */
const PAGE = 10_000;

/** The stored checkpoints that hold, in order, and the first problem with them. */
async function checkStoredCheckpoints(db: Database, jwks: HubJwks | undefined): Promise<{ held: CheckpointPayload[]; problem?: Problem }> {
  const rows = db.prepare('SELECT idx, from_seq, to_seq, payload, signature FROM audit_checkpoints ORDER BY idx').all() as CheckpointRow[];
  const held: CheckpointPayload[] = [];
  for (const row of rows) {
    const previous = held.at(-1);
    const at = (reason: string): { held: CheckpointPayload[]; problem: Problem } => ({
      held,
      problem: { seq: (previous?.toSeq ?? 0) + 1, reason: `checkpoint ${row.idx}: ${reason}` },
    });
    let payload: unknown;
    try {
      payload = JSON.parse(String(row.payload));
    } catch {
      return at('the payload is not JSON');
    }
    if (canonicalJson(payload) !== row.payload) return at('the payload was altered');
    const problem = await checkpointProblem({ payload, signature: row.signature }, jwks);
    if (problem) return at(problem);
    const p = payload as CheckpointPayload;
    if (p.index !== row.idx || p.fromSeq !== row.from_seq || p.toSeq !== row.to_seq) return at('its columns do not match its signed payload');
    const follows = p.index === (previous?.index ?? 0) + 1 && p.fromSeq === (previous?.toSeq ?? 0) + 1 && p.previous === (previous ? checkpointDigest(previous) : GENESIS_HASH);
    if (!follows) return at(`it does not follow checkpoint ${previous?.index ?? 0}: a checkpoint is missing or was altered`);
    held.push(p);
  }
  return { held };
}

/** One checkpoint being matched against the records as they stream past. */
class RangeCheck {
  private hashes: string[] = [];
  constructor(
    readonly payload: CheckpointPayload,
    readonly label: string,
  ) {}

  /** Takes one sound record; returns a problem once the range is complete and does not match. */
  take(seq: number, hash: string): Problem | undefined {
    if (seq < this.payload.fromSeq || seq > this.payload.toSeq) return undefined;
    this.hashes.push(hash);
    if (seq !== this.payload.toSeq) return undefined;
    const matches = hash === this.payload.headHash && merkleRoot(this.hashes) === this.payload.merkleRoot;
    this.hashes = [];
    return matches ? undefined : { seq: this.payload.fromSeq, reason: `records ${this.payload.fromSeq}–${this.payload.toSeq} do not match ${this.label}` };
  }

  /** A problem when the log ends before the range does (records were cut off). */
  after(last: number): Problem | undefined {
    if (last >= this.payload.toSeq) return undefined;
    return { seq: last + 1, reason: `the log ends at record ${last} but ${this.label} covers up to record ${this.payload.toSeq}: records were removed` };
  }
}

/** The stored checkpoints' ranges in order (they follow one another): each record meets only the one it falls in. */
class RangeQueue {
  private next = 0;
  constructor(readonly all: RangeCheck[]) {}

  take(seq: number, hash: string): Problem | undefined {
    while (this.next < this.all.length && seq > this.all[this.next].payload.toSeq) this.next += 1;
    return this.all[this.next]?.take(seq, hash);
  }
}

/**
 * Checks the whole log: every record against the chain (place, links, hashes, columns), every
 * stored checkpoint's signature and chain, each checkpoint's range against its Merkle root and
 * head hash, and an exported checkpoint when given. Reports the first bad record. An exported
 * checkpoint that is not validly signed is refused (`validation.failed`), not reported as a
 * problem of the log.
 */
export async function verifyStoredLog(db: Database, jwks: HubJwks | undefined, exported?: unknown): Promise<VerifyResult> {
  const started = performance.now();
  if (exported !== undefined) {
    const problem = await checkpointProblem(exported, jwks);
    if (problem) throw new ValidationError({ checkpoint: problem });
  }
  const stored = await checkStoredCheckpoints(db, jwks);
  const problems: Problem[] = stored.problem ? [stored.problem] : [];
  const ranges = new RangeQueue(stored.held.map((p) => new RangeCheck(p, `signed checkpoint ${p.index}`)));
  const outside = exported as SignedCheckpoint | undefined;
  const exportedRange = outside ? new RangeCheck(outside.payload, `the exported checkpoint ${outside.payload.index}`) : undefined;
  if (outside) {
    const twin = stored.held.find((p) => p.index === outside.payload.index);
    if (twin && canonicalJson(twin) !== canonicalJson(outside.payload)) {
      problems.push({ seq: twin.fromSeq, reason: `checkpoint ${twin.index} in the log differs from the exported one` });
    }
    if (!twin && !stored.problem) {
      problems.push({ seq: outside.payload.toSeq, reason: `signed checkpoint ${outside.payload.index}, which was exported, is missing from the log` });
    }
  }
  const page = db.prepare('SELECT seq, at, kind, agency_id, subject, ref, body, prev_hash, hash FROM audit_records WHERE seq > ? ORDER BY seq LIMIT ?').raw();
  let last = 0;
  let prevHash = GENESIS_HASH;
  let broken = false;
  while (!broken) {
    const rows = page.all(last, PAGE) as RawRecordRow[];
    for (const row of rows) {
      const reason = checkRawRecord(row, last + 1, prevHash);
      const [seq, , , , , , , , hash] = row;
      const problem = reason ? { seq: last + 1, reason } : (ranges.take(seq, hash as string) ?? exportedRange?.take(seq, hash as string));
      if (problem) {
        problems.push(problem);
        broken = true;
        break;
      }
      last = seq;
      prevHash = hash as string;
    }
    if (rows.length < PAGE) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!broken) problems.push(...([...ranges.all.map((r) => r.after(last)), exportedRange?.after(last)].filter(Boolean) as Problem[]));
  const firstBad = problems.sort((a, b) => a.seq - b.seq)[0];
  return {
    ok: firstBad === undefined,
    records: last,
    checkpoints: stored.held.length,
    ...(firstBad ? { firstBad } : {}),
    exportedCheckpoint: !outside ? 'not-given' : problems.some((p) => p.reason.includes('exported')) ? 'failed' : 'held',
    elapsedMs: Math.round(performance.now() - started),
  };
}
