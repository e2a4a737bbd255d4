import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventCodec, SqliteKeyStore } from '@onestop/crypto';
import { EventMetadata, HubEvent } from '@onestop/domain';
import { SqliteEventStore } from '@onestop/event-store';
import { EventRepository } from './event-repository';

/** Two repositories on one SQLite file, as two hub processes would hold it. */
describe('event repository: opened streams kept in memory', () => {
  const master = randomBytes(32);
  let dir: string;
  let handles: Database.Database[];
  let keys: SqliteKeyStore[];
  let repositories: EventRepository[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onestop-repository-'));
    handles = [new Database(join(dir, 'hub.db')), new Database(join(dir, 'hub.db'))];
    handles.forEach((db) => db.pragma('journal_mode = WAL'));
    keys = handles.map((db) => new SqliteKeyStore(db, master));
    repositories = handles.map((db, i) => new EventRepository(new SqliteEventStore(db), new EventCodec(keys[i])));
  });
  afterEach(() => {
    handles.forEach((db) => db.close());
    rmSync(dir, { recursive: true, force: true });
  });

  const personId = randomUUID();
  const metadata: EventMetadata = { recordedBy: 'council', actor: 'worker-1', purpose: 'direct-support', occurredAt: '2026-11-26T10:00:00.000Z', personId } as EventMetadata;
  const checkIn = (note: string): HubEvent =>
    ({ type: 'CheckInRecorded.v1', data: { personId, checkInId: randomUUID(), changes: {}, note } }) as unknown as HubEvent;
  const notes = async (repository: EventRepository) => (await repository.readStream(`person-${personId}`)).map((e) => (e.data as { note?: string }).note);

  it('sees what another handle appended after the stream was first read', async () => {
    const [writer, reader] = repositories;
    await writer.append(`person-${personId}`, [checkIn('first'), checkIn('second')], metadata, 'no_stream');
    expect(await notes(reader)).toEqual(['first', 'second']);
    await writer.append(`person-${personId}`, [checkIn('third')], metadata, 1);
    expect(await notes(reader)).toEqual(['first', 'second', 'third']);
    expect(await notes(reader)).toEqual(['first', 'second', 'third']);
  });

  it('hands out frozen events, so one reader cannot change what the next one sees', async () => {
    const [writer, reader] = repositories;
    await writer.append(`person-${personId}`, [checkIn('first')], metadata, 'no_stream');
    const [event] = await reader.readStream(`person-${personId}`);
    expect(() => {
      (event.data as { note?: string }).note = 'changed';
    }).toThrow(TypeError);
    expect(await notes(reader)).toEqual(['first']);
  });

  it('keeps no opened personal data once the person is erased through another handle', async () => {
    const [writer, reader] = repositories;
    await writer.append(`person-${personId}`, [checkIn('private note')], metadata, 'no_stream');
    expect(await notes(reader)).toEqual(['private note']);
    keys[0].destroy(personId, '2026-11-26T11:00:00.000Z');
    const [event] = await reader.readStream(`person-${personId}`);
    expect(event.erased).toBe(true);
    expect(JSON.stringify(event)).not.toContain('private note');
  });
});
