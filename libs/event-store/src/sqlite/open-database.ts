import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Opens (creating it and its directory if needed) the hub's SQLite file with the settings every
 * part of the hub relies on: write-ahead log, a full fsync on each commit so that a committed
 * transaction survives power loss, a 5 s wait on a locked database, and enforced foreign keys.
 * The caller owns the handle and closes it.
 */
export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
