import { describeEventStoreContract } from '@onestop/event-store/testing';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { IdempotencyMismatchError, StreamVersionConflictError } from '../errors';
import type { NewEvent, RecordedEvent } from '../event-store.port';
import { openDatabase } from './open-database';
import { SqliteEventStore } from './sqlite-event-store';

const run = promisify(execFile);
const APPENDER = join(__dirname, '../../testing/child-process/sqlite-appender.js');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'onestop-event-store-'));
}

function event(data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type: 'SqliteTested.v1', data };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function appendFromChild(file: string, stream: string, count: number, mode: 'append' | 'race') {
  const { stdout } = await run(process.execPath, [APPENDER, file, stream, String(count), mode]);
  return JSON.parse(stdout) as { written: number; conflicts: number };
}

describeEventStoreContract('SQLite', async () => {
  const dir = tempDir();
  const file = join(dir, 'hub.db');
  const opened: SqliteEventStore[] = [];
  const open = (): SqliteEventStore => {
    const store = SqliteEventStore.open(file);
    opened.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    second: async () => open(),
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const toClose: { close(): unknown }[] = [];

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'nested', 'hub.db');
  });

  afterEach(async () => {
    for (const closable of toClose.splice(0).reverse()) await closable.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(options?: ConstructorParameters<typeof SqliteEventStore>[1]): SqliteEventStore {
    const store = SqliteEventStore.open(file, options);
    toClose.push(store);
    return store;
  }

  it('opens the file with WAL, full fsync on commit, a busy timeout and foreign keys', () => {
    const db = openDatabase(file);
    toClose.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it('keeps its tables under the es_ prefix and leaves a shared connection open on close()', async () => {
    const db = openDatabase(file);
    toClose.push(db);
    const store = new SqliteEventStore(db);
    await store.append(`person-${randomUUID()}`, [event()]);
    await store.close();

    expect(db.open).toBe(true);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name).filter((name) => !name.startsWith('sqlite_'))).toEqual(['es_events']);
  });

  it('closes the connection it opened itself', async () => {
    const store = SqliteEventStore.open(file);
    await store.append(`person-${randomUUID()}`, [event()]);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('stamps recordedAt with the injected clock', async () => {
    const store = open({ now: () => new Date('2025-03-01T09:30:00.000Z') });
    const stream = `person-${randomUUID()}`;
    await store.append(stream, [event()]);
    expect((await store.readStream(stream))[0].recordedAt).toBe('2025-03-01T09:30:00.000Z');
  });

  it('rolls back a whole batch when a later event fails, writing none of it', async () => {
    const store = open();
    const [a, b] = [`person-${randomUUID()}`, `person-${randomUUID()}`];
    const taken = event();
    await store.append(a, [taken]);

    await expect(store.append(b, [event(), taken])).rejects.toBeInstanceOf(IdempotencyMismatchError);
    await expect(store.append(b, [taken])).rejects.toBeInstanceOf(IdempotencyMismatchError);
    expect(await store.readStream(b)).toEqual([]);
    expect(await store.readAll()).toHaveLength(1);
  });

  it('appends made in the same turn (committed as one group) each succeed or fail alone, in call order', async () => {
    const store = open();
    const [a, b, c] = [`person-${randomUUID()}`, `person-${randomUUID()}`, `person-${randomUUID()}`];
    await store.append(b, [event()]);
    const writes = Promise.allSettled([
      store.append(a, [event(), event()], { expectedRevision: 'no_stream' }),
      store.append(b, [event()], { expectedRevision: 'no_stream' }),
      store.append(c, [event()]),
      store.append(a, [event()], { expectedRevision: 'no_stream' }),
    ]);
    const [first, stale, other, raced] = await writes;

    expect(first).toEqual({ status: 'fulfilled', value: expect.objectContaining({ nextRevision: 1 }) });
    expect(stale).toEqual({ status: 'rejected', reason: expect.any(StreamVersionConflictError) });
    expect(other).toEqual({ status: 'fulfilled', value: expect.objectContaining({ nextRevision: 0 }) });
    expect(raced).toEqual({ status: 'rejected', reason: expect.any(StreamVersionConflictError) });
    expect((await store.readStream(a)).map((e) => e.revision)).toEqual([0, 1]);
    expect(await store.readStream(b)).toHaveLength(1);
    const positions = (await store.readAll()).map((e) => e.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it('delivers its own appends to a subscriber at once, without waiting for the poll', async () => {
    const store = open({ pollIntervalMs: 60_000 });
    const seen: RecordedEvent[] = [];
    let caughtUp = false;
    const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e), onCaughtUp: () => (caughtUp = true) });
    await waitFor(() => caughtUp, 'caught up');

    const started = Date.now();
    await store.append(`person-${randomUUID()}`, [event()]);
    await waitFor(() => seen.length === 1, 'the live event', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    await subscription.stop();
  });

  it('catches up in pages, in order, and signals caught up after the last page', async () => {
    const store = open({ pageSize: 3 });
    const stream = `person-${randomUUID()}`;
    for (let i = 0; i < 10; i += 1) await store.append(stream, [event({ i })]);
    const seen: (number | 'caught-up')[] = [];
    const subscription = store.subscribeToAll({
      onEvent: (e) => void seen.push(e.revision),
      onCaughtUp: () => void seen.push('caught-up'),
    });
    await waitFor(() => seen.includes('caught-up'), 'caught up');
    await subscription.stop();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 'caught-up']);
  });

  it('sees, by polling, what another process appends to the same file', async () => {
    const store = open({ pollIntervalMs: 25 });
    const stream = `person-${randomUUID()}`;
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e) });

    const result = await appendFromChild(file, stream, 20, 'append');
    await waitFor(() => seen.length === 20, 'the child process events');
    await subscription.stop();
    expect(result).toEqual({ written: 20, conflicts: 0 });
    expect(seen.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(seen.map((e) => e.position)).size).toBe(20);
  });

  it('lets exactly one of two racing processes append at each revision', async () => {
    const store = open();
    const stream = `person-${randomUUID()}`;
    await store.append(stream, [event()]);

    const results = await Promise.all([
      appendFromChild(file, stream, 150, 'race'),
      appendFromChild(file, stream, 150, 'race'),
    ]);
    const written = results.reduce((sum, r) => sum + r.written, 0);
    const stored = await store.readStream(stream);
    expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: written + 1 }, (_, i) => i));
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    expect(results.every((r) => r.written + r.conflicts === 150)).toBe(true);
  });
});
