import { AuditEntry } from './audit-record';
import { chainRecord, checkStoredRecord, GENESIS_HASH, recordOf, storedRow, StoredRecordRow } from './hash-chain';

const entry: AuditEntry = { kind: 'access', at: '2030-01-01T09:00:00.000Z', agencyId: 'sms', actor: 'sms-user', subject: 'sub_abc', detail: { action: 'read' } };

/** Chains entries as the SQLite adapter stores them. */
function stored(entries: AuditEntry[]): StoredRecordRow[] {
  let prev = GENESIS_HASH;
  return entries.map((e, i) => {
    const { record, rest } = chainRecord(i + 1, prev, e);
    prev = record.hash;
    return storedRow(record, rest);
  });
}

describe('the audit hash chain', () => {
  it('hashes the previous hash and the whole record, so key order does not matter but every field does', () => {
    const reordered = { detail: { action: 'read' }, subject: 'sub_abc', actor: 'sms-user', agencyId: 'sms', at: entry.at, kind: 'access' as const };
    const hash = (e: AuditEntry, seq = 1, prev = GENESIS_HASH) => chainRecord(seq, prev, e).record.hash;
    expect(hash(reordered)).toBe(hash(entry));
    for (const changed of [{ actor: 'sms-user2' }, { agencyId: 'police' }, { subject: 'sub_abd' }, { ref: 'r' }, { at: '2030-01-01T09:00:00.001Z' }, { detail: { action: 'search' } }]) {
      expect(hash({ ...entry, ...changed })).not.toBe(hash(entry));
    }
    expect(hash(entry, 2)).not.toBe(hash(entry, 1));
    expect(hash(entry, 1, 'f'.repeat(64))).not.toBe(hash(entry, 1));
  });

  it('accepts a sound chain, and gives back every record from its stored row', () => {
    const entries: AuditEntry[] = [entry, { ...entry, kind: 'disclosure' }, { ...entry, ref: 'r-1', agencyId: undefined }];
    const rows = stored(entries);
    let prev = GENESIS_HASH;
    rows.forEach((row, i) => {
      expect(checkStoredRecord(row, i + 1, prev)).toBeUndefined();
      expect(recordOf(row)).toEqual(JSON.parse(JSON.stringify({ ...entries[i], seq: i + 1, prevHash: prev, hash: row.hash })));
      prev = row.hash as string;
    });
  });

  it('names what is wrong with a record: missing, unlinked, altered in any column, or not text', () => {
    const [first, second, third] = stored([entry, { ...entry, agencyId: 'police' }, entry]);
    const h1 = first.hash as string;
    expect(checkStoredRecord(third, 2, h1)).toBe('record 2 is missing');
    expect(checkStoredRecord({ ...second, prev_hash: GENESIS_HASH }, 2, h1)).toBe('the previous-hash link does not match the record before');
    const altered = 'the record was altered: its hash does not match its content';
    expect(checkStoredRecord({ ...second, body: (second.body as string).replace('sms-user', 'sms-usex') }, 2, h1)).toBe(altered);
    expect(checkStoredRecord({ ...second, agency_id: 'sms' }, 2, h1)).toBe(altered);
    expect(checkStoredRecord({ ...second, subject: null }, 2, h1)).toBe(altered);
    expect(checkStoredRecord({ ...second, kind: 'disclosure' }, 2, h1)).toBe(altered);
    expect(checkStoredRecord({ ...second, hash: (second.hash as string).toUpperCase() }, 2, h1)).toBe(altered);
    expect(checkStoredRecord({ ...second, at: 20300101 }, 2, h1)).toBe('the record is not stored as text');
  });
});
