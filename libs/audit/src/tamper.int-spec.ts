import type { Database } from 'better-sqlite3';
import { openTestAuditLog, sampleInputs, seededRandom, TestAuditLog, testSigner } from '../testing/audit-fixtures';
import { SignedCheckpoint } from './checkpoint';
import { SubjectRefs } from './subject-refs';

/** Random tamperings per run; `npm run test:tamper:long` raises it to 10,000. */
const CASES = Number(process.env.AUDIT_TAMPER_CASES ?? 500);
const SEED = Number(process.env.AUDIT_TAMPER_SEED ?? 20300101);
const RECORDS = 2_500;

type Kind = 'byte-edit' | 'deletion' | 'reorder' | 'truncation' | 'checkpoint-edit' | 'checkpoint-deletion';

/** One tampering: what was done, and the first record verification must blame (at most). */
interface Tampering {
  kind: Kind;
  what: string;
  firstBadAtMost: number;
}

const RECORD_COLUMNS = ['seq', 'at', 'kind', 'agency_id', 'subject', 'ref', 'body', 'prev_hash', 'hash'] as const;

/** Another printable ASCII byte in place of one byte of the text. */
function editOneByte(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  let replacement = text.charCodeAt(at);
  while (replacement === text.charCodeAt(at)) replacement = 0x20 + Math.floor(random() * 95);
  return text.slice(0, at) + String.fromCharCode(replacement) + text.slice(at + 1);
}

/** Applies one random tampering to the stored log, as someone with the file in hand could. */
function tamper(db: Database, random: () => number, checkpoints: SignedCheckpoint[]): Tampering {
  const n = RECORDS;
  const seq = 1 + Math.floor(random() * n);
  const roll = random();
  if (roll < 0.4) {
    const column = RECORD_COLUMNS[Math.floor(random() * RECORD_COLUMNS.length)];
    const value = db.prepare(`SELECT ${column} FROM audit_records WHERE seq = ?`).pluck().get(seq) as string | number | null;
    if (value === null) return tamper(db, random, checkpoints);
    if (column === 'seq') {
      const moved = seq ^ (1 << Math.floor(random() * 14));
      if (moved >= 1 && moved <= n) return tamper(db, random, checkpoints);
      db.prepare('UPDATE audit_records SET seq = ? WHERE seq = ?').run(moved, seq);
    } else {
      const edited = editOneByte(String(value), random);
      try {
        db.prepare(`UPDATE audit_records SET ${column} = ? WHERE seq = ?`).run(edited, seq);
      } catch {
        return tamper(db, random, checkpoints);
      }
    }
    return { kind: 'byte-edit', what: `one byte of ${column} of record ${seq}`, firstBadAtMost: seq };
  }
  if (roll < 0.55) {
    db.prepare('DELETE FROM audit_records WHERE seq = ?').run(seq);
    return { kind: 'deletion', what: `record ${seq} deleted`, firstBadAtMost: seq };
  }
  if (roll < 0.7) {
    const other = random() < 0.5 ? (seq === n ? seq - 1 : seq + 1) : 1 + Math.floor(random() * n);
    if (other === seq) return tamper(db, random, checkpoints);
    const swap = db.prepare('UPDATE audit_records SET seq = ? WHERE seq = ?');
    swap.run(-1, seq);
    swap.run(seq, other);
    swap.run(other, -1);
    return { kind: 'reorder', what: `records ${seq} and ${other} swapped`, firstBadAtMost: Math.min(seq, other) };
  }
  if (roll < 0.85) {
    db.prepare('DELETE FROM audit_records WHERE seq >= ?').run(seq);
    return { kind: 'truncation', what: `log cut off from record ${seq}`, firstBadAtMost: seq };
  }
  const checkpoint = checkpoints[Math.floor(random() * checkpoints.length)];
  if (roll < 0.95) {
    const column = random() < 0.5 ? 'payload' : 'signature';
    const value = db.prepare(`SELECT ${column} FROM audit_checkpoints WHERE idx = ?`).pluck().get(checkpoint.payload.index) as string;
    db.prepare(`UPDATE audit_checkpoints SET ${column} = ? WHERE idx = ?`).run(editOneByte(value, random), checkpoint.payload.index);
    return { kind: 'checkpoint-edit', what: `one byte of the ${column} of checkpoint ${checkpoint.payload.index}`, firstBadAtMost: checkpoint.payload.toSeq };
  }
  db.prepare('DELETE FROM audit_checkpoints WHERE idx = ?').run(checkpoint.payload.index);
  return { kind: 'checkpoint-deletion', what: `checkpoint ${checkpoint.payload.index} deleted`, firstBadAtMost: checkpoint.payload.toSeq };
}

describe(`the audit log under ${CASES} random tamperings (seed ${SEED})`, () => {
  let t: TestAuditLog;
  let exported: SignedCheckpoint;
  const tally = new Map<Kind, { cases: number; detected: number }>();

  beforeAll(async () => {
    const secret = (byte: number) => Buffer.alloc(32, byte ^ (SEED & 0xff));
    t = await openTestAuditLog({ checkpointEvery: 1000, refs: new SubjectRefs(secret(1)), signer: await testSigner('hub-tamper', secret(2)) });
    const random = seededRandom(SEED);
    for (let i = 0; i < RECORDS; i += 100) t.log.append(sampleInputs(100, random));
    await t.log.settled();
    exported = (await t.log.checkpoint())!;
    expect(exported.payload.toSeq).toBe(RECORDS);
    expect(await t.log.verify({ exportedCheckpoint: exported })).toMatchObject({ ok: true, records: RECORDS, checkpoints: t.log.checkpoints().length });
  });

  afterAll(() => {
    t?.dispose();
    const lines = [...tally].map(([kind, { cases, detected }]) => `  ${kind}: ${cases} cases, ${detected} detected`);
    const total = [...tally.values()].reduce((sum, row) => sum + row.cases, 0);
    console.log(`audit tamper detection (${total} cases, seed ${SEED}, ${RECORDS} records):\n${lines.join('\n')}`);
  });

  it('detects every single-byte edit, deletion, reorder and truncation, naming the first bad record', async () => {
    const random = seededRandom(SEED + 1);
    const checkpoints = t.log.checkpoints();
    const missed: string[] = [];
    for (let i = 0; i < CASES; i++) {
      t.db.exec('BEGIN');
      try {
        t.db.exec('DROP TRIGGER audit_records_append_only_update; DROP TRIGGER audit_records_append_only_delete;');
        t.db.exec('DROP TRIGGER audit_checkpoints_append_only_update; DROP TRIGGER audit_checkpoints_append_only_delete;');
        const done = tamper(t.db, random, checkpoints);
        const result = await t.log.verify({ exportedCheckpoint: exported });
        const detected = !result.ok && result.firstBad !== undefined && result.firstBad.seq <= done.firstBadAtMost;
        const row = tally.get(done.kind) ?? { cases: 0, detected: 0 };
        tally.set(done.kind, { cases: row.cases + 1, detected: row.detected + (detected ? 1 : 0) });
        if (!detected) missed.push(`case ${i}: ${done.what} → ${JSON.stringify(result)}`);
      } finally {
        t.db.exec('ROLLBACK');
      }
    }
    expect(missed).toEqual([]);
    expect(await t.log.verify({ exportedCheckpoint: exported })).toMatchObject({ ok: true, records: RECORDS });
  }, Math.max(60_000, CASES * 60));
});
