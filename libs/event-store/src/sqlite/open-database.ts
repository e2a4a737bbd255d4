import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { useWriteGate, WriteGate } from './write-gate';

export interface OpenDatabaseOptions {
  /** The write gate shared by the threads of this process that open the same file (`WriteGate.buffer`). */
  writeGate?: SharedArrayBuffer;
}

/**
 * Opens (creating it and its directory if needed) the hub's SQLite file with the settings every
 * part of the hub relies on: write-ahead log, a full fsync on each commit so that a committed
 * transaction survives power loss, a 5 s wait on a locked database, enforced foreign keys, and
 * secure delete (content deleted or overwritten is zeroed in the file, not left in free space:
 * an erased person's key or a withdrawn feed message must not be recoverable from it).
 * The caller owns the handle and closes it. Threads of one process writing to the same file take
 * turns through a shared `WriteGate` (`writeGateOf(db)`) rather than block on the lock.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    if (options.writeGate) useWriteGate(db, new WriteGate(options.writeGate));
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
