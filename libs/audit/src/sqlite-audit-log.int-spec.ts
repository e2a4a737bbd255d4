import { readFileSync } from 'node:fs';
import { openDatabase } from '@onestop/event-store';
import { openTestAuditLog, sampleInputs, seededRandom, TestAuditLog } from '../testing/audit-fixtures';
import { chainHash, recordHead, StoredRecordRow } from './hash-chain';
import { SqliteAuditLog } from './sqlite-audit-log';

const PERSON = '7d3c1e0a-8a55-4c0e-9a51-2b0f3d4e5f60';
const at = '2030-02-01T10:00:00.000Z';

describe('the SQLite audit log', () => {
  let t: TestAuditLog;
  beforeEach(async () => {
    t = await openTestAuditLog({ checkpointEvery: 100 });
  });
  afterEach(async () => {
    await t.log.settled();
    t.dispose();
  });

  it('numbers records 1, 2, 3, ... each linked to the one before, and verifies them', async () => {
    const written = [...t.log.append(sampleInputs(3)), ...t.log.append(sampleInputs(2))];
    expect(written.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < written.length; i++) expect(written[i].prevHash).toBe(written[i - 1].hash);
    expect(await t.log.verify()).toMatchObject({ ok: true, records: 5 });
  });

  it('names people only by subject reference: the hub id is nowhere in the file', async () => {
    const [record] = t.log.append([{ kind: 'access', at, agencyId: 'sms', personId: PERSON, detail: { action: 'read' } }]);
    expect(record.subject).toBe(t.refs.of(PERSON));
    expect('personId' in record).toBe(false);
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(t.file).includes(Buffer.from(PERSON))).toBe(false);
    expect(t.log.query({ personId: PERSON }).map((r) => r.seq)).toEqual([record.seq]);
  });

  it('records an input with a known ref once, however often it is appended, and the chain runs on unbroken', async () => {
    const input = { kind: 'disclosure' as const, at, agencyId: 'sms', ref: 'disclosure:sms:e-1' };
    expect(t.log.append([input, input])).toHaveLength(1);
    expect(t.log.append([input])).toHaveLength(0);
    const next = t.log.append([input, { ...input, ref: 'disclosure:sms:e-2' }, input, { ...input, ref: undefined }]);
    expect(next.map((r) => [r.seq, r.ref])).toEqual([
      [2, 'disclosure:sms:e-2'],
      [3, undefined],
    ]);
    expect(t.log.query({ kind: 'disclosure' })).toHaveLength(3);
    expect(await t.log.verify()).toMatchObject({ ok: true, records: 3 });
  });

  it('commits records with the caller\'s transaction, and not at all when it rolls back', () => {
    t.db.exec('CREATE TABLE actions (id TEXT)');
    const act = (fail: boolean) =>
      t.db.transaction(() => {
        t.db.prepare('INSERT INTO actions VALUES (?)').run('a');
        t.log.appendInTransaction([{ kind: 'erasure', at, personId: PERSON }]);
        if (fail) throw new Error('the action failed after its record was written');
      })();
    expect(() => act(true)).toThrow('the action failed');
    expect(t.log.query({})).toHaveLength(0);
    act(false);
    expect(t.log.query({})).toHaveLength(1);
  });

  it('commits appends made together in one group; a bad input fails only its own caller', async () => {
    const commits: number[] = [];
    const append = t.log.append.bind(t.log);
    jest.spyOn(t.log, 'append').mockImplementation((inputs) => (commits.push(inputs.length), append(inputs)));
    const results = await Promise.allSettled([
      t.log.appendSoon(sampleInputs(2)),
      t.log.appendSoon([{ kind: 'gossip' as never, at }]),
      t.log.appendSoon(sampleInputs(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toEqual([6, 2, 1, 3]);
    expect(t.log.query({}).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    await Promise.all([t.log.appendSoon(sampleInputs(1)), t.log.appendSoon(sampleInputs(1))]);
    expect(commits.slice(4)).toEqual([2]);
    expect(await t.log.verify()).toMatchObject({ ok: true, records: 7 });
  });

  it('refuses every UPDATE and DELETE of records and checkpoints, whoever asks', async () => {
    t.log.append(sampleInputs(3));
    await t.log.checkpoint();
    expect(() => t.db.prepare("UPDATE audit_records SET kind = 'access'").run()).toThrow('append-only');
    expect(() => t.db.prepare('DELETE FROM audit_records').run()).toThrow('append-only');
    expect(() => t.db.prepare('DELETE FROM audit_checkpoints').run()).toThrow('append-only');
    expect(await t.log.verify()).toMatchObject({ ok: true, records: 3, checkpoints: 1 });
  });

  it('filters by person, agency, kind and period, oldest first, in pages', () => {
    t.log.append([
      { kind: 'access', at: '2030-02-01T09:00:00.000Z', agencyId: 'sms', personId: PERSON },
      { kind: 'disclosure', at: '2030-02-01T10:00:00.000Z', agencyId: 'housing', personId: PERSON },
      { kind: 'access', at: '2030-02-02T09:00:00.000Z', agencyId: 'sms' },
      { kind: 'access', at: '2030-02-03T09:00:00.000Z', agencyId: 'sms', personId: PERSON },
    ]);
    expect(t.log.query({ personId: PERSON }).map((r) => r.seq)).toEqual([1, 2, 4]);
    expect(t.log.query({ agencyId: 'sms', kind: 'access' }).map((r) => r.seq)).toEqual([1, 3, 4]);
    expect(t.log.query({ from: '2030-02-01T10:00:00.000Z', to: '2030-02-03T00:00:00.000Z' }).map((r) => r.seq)).toEqual([2, 3]);
    expect(t.log.query({ afterSeq: 1, limit: 2 }).map((r) => r.seq)).toEqual([2, 3]);
  });

  it('signs a checkpoint every 100 records in the background, and on demand over the rest', async () => {
    t.log.append(sampleInputs(250));
    await t.log.settled();
    expect(t.log.checkpoints().map((c) => [c.payload.fromSeq, c.payload.toSeq])).toEqual([[1, 250]]);
    t.log.append(sampleInputs(120));
    await t.log.settled();
    const onDemand = await t.log.checkpoint();
    expect(t.log.checkpoints().map((c) => [c.payload.fromSeq, c.payload.toSeq])).toEqual([
      [1, 250],
      [251, 370],
    ]);
    expect(onDemand?.payload.index).toBe(2);
    expect(await t.log.checkpoint()).toEqual(onDemand);
    expect(await t.log.verify({ exportedCheckpoint: onDemand })).toMatchObject({ ok: true, records: 370, checkpoints: 2, exportedCheckpoint: 'held' });
  });

  it('keeps one chain when two connections to the file append in turn', async () => {
    const other = new SqliteAuditLog(openDatabase(t.file), { refs: t.refs, signer: t.signer });
    const random = seededRandom(7);
    for (let i = 0; i < 50; i++) (random() < 0.5 ? t.log : other).append(sampleInputs(1 + Math.floor(random() * 3), random));
    expect(await t.log.verify()).toMatchObject({ ok: true });
    expect((await other.verify()).records).toBe((await t.log.verify()).records);
  });

  describe('tampering the file', () => {
    beforeEach(async () => {
      t.log.append(sampleInputs(150, seededRandom(1)));
      await t.log.settled();
      t.db.exec('DROP TRIGGER audit_records_append_only_update; DROP TRIGGER audit_records_append_only_delete;');
    });

    it('a record rewritten with the whole chain recomputed after it is caught by the signed checkpoint', async () => {
      const rows = t.db.prepare('SELECT * FROM audit_records WHERE seq >= 40 ORDER BY seq').all() as StoredRecordRow[];
      let prev = t.db.prepare('SELECT hash FROM audit_records WHERE seq = 39').pluck().get() as string;
      for (const row of rows) {
        const kind = row.seq === 40 ? (row.kind === 'access' ? 'admin' : 'access') : row.kind;
        const hash = chainHash(prev, recordHead(row.seq, row.at, kind, row.agency_id, row.subject, row.ref), row.body as string);
        t.db.prepare('UPDATE audit_records SET kind = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(kind, prev, hash, row.seq);
        prev = hash;
      }
      const result = await t.log.verify();
      expect(result).toMatchObject({ ok: false, firstBad: { seq: 1 } });
      expect(result.firstBad?.reason).toBe('records 1–150 do not match signed checkpoint 1');
    });

    it('records cut off after the last stored checkpoint are caught only by an exported one', async () => {
      const exported = await t.log.checkpoint();
      t.log.append(sampleInputs(10));
      const latest = await t.log.checkpoint();
      t.db.exec('DROP TRIGGER audit_checkpoints_append_only_delete');
      t.db.prepare('DELETE FROM audit_checkpoints WHERE idx = ?').run(latest!.payload.index);
      t.db.prepare('DELETE FROM audit_records WHERE seq > 155').run();
      expect(await t.log.verify()).toMatchObject({ ok: true, records: 155 });
      const withExport = await t.log.verify({ exportedCheckpoint: latest });
      expect(withExport).toMatchObject({ ok: false, firstBad: { seq: 156 } });
      expect(withExport.firstBad?.reason).toBe('the log ends at record 155 but the exported checkpoint 2 covers up to record 160: records were removed');
      expect(exported?.payload.toSeq).toBe(150);
    });

    it('refuses an exported checkpoint that the hub did not sign', async () => {
      const exported = await t.log.checkpoint();
      const forged = { ...exported!, payload: { ...exported!.payload, toSeq: 149 } };
      await expect(t.log.verify({ exportedCheckpoint: forged })).rejects.toMatchObject({ code: 'validation.failed' });
    });
  });
});
