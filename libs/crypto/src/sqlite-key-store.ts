import { randomBytes, createCipheriv, createDecipheriv } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { KeyDestroyedError } from './errors';
import { KeyStore } from './key-store.port';

/**
 * Unwrapped keys kept at most (about 320 bytes each with their map entry); beyond it the oldest
 * is dropped, not zeroed (a caller may hold it in this synchronous run): unwrapping it again
 * costs a row read and microseconds of AES.
 */
const CACHED_KEYS = 100_000;

/**
 * Per-person data keys in the hub's SQLite file, each wrapped (AES-256-GCM) under a master
 * key that lives outside the database. Destroying a key deletes its wrapped bytes and keeps a
 * tombstone row saying when.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly cache = new Map<string, Buffer>();
  private readonly lookup: Statement;
  private readonly dataVersion: Statement;
  private readonly erasureCount: Statement;
  private readonly destroyedLookup: Statement;
  /** `PRAGMA data_version` when the cache was last known good, and the erasure count then. */
  private checkedVersion = -1;
  private checkedErasures = -1;
  /** Whether the check above was made in the current synchronous run (reset on the next microtask). */
  private checkedThisTurn = false;

  constructor(
    private readonly db: Database,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    db.exec(`CREATE TABLE IF NOT EXISTS key_person_keys (
      person_id TEXT PRIMARY KEY,
      wrapped BLOB,
      destroyed_at TEXT
    )`);
    db.exec(`CREATE TABLE IF NOT EXISTS key_erasures (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      count INTEGER NOT NULL
    )`);
    db.exec('INSERT OR IGNORE INTO key_erasures (id, count) VALUES (1, 0)');
    this.lookup = db.prepare('SELECT wrapped FROM key_person_keys WHERE person_id = ?');
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.erasureCount = db.prepare('SELECT count FROM key_erasures WHERE id = 1').pluck();
    this.destroyedLookup = db.prepare('SELECT destroyed_at FROM key_person_keys WHERE person_id = ?');
  }

  keyFor(personId: string): Buffer {
    const found = this.findKey(personId);
    if (found) return found;
    if (this.destroyedAt(personId)) throw new KeyDestroyedError();
    const key = randomBytes(32);
    this.db.prepare('INSERT OR IGNORE INTO key_person_keys (person_id, wrapped) VALUES (?, ?)').run(personId, this.wrap(key));
    // Another process may have won the insert: read back whichever key is stored.
    const stored = this.findKey(personId);
    if (!stored) throw new KeyDestroyedError();
    return stored;
  }

  /**
   * The person's key, or nothing once it is destroyed. A key destroyed by another process (the
   * API erasing a person while a separate publisher runs) is gone here at once: whenever another
   * connection has committed anything (`PRAGMA data_version` moved), the count of erasures is
   * read again, and if it moved the whole cache is dropped. The pragma is read once per
   * synchronous run of the caller (a page of events opened in a loop checks once): nothing
   * another process commits can be ordered inside such a run anyway.
   */
  findKey(personId: string): Buffer | undefined {
    this.dropCacheAfterErasureElsewhere();
    const cached = this.cache.get(personId);
    if (cached) return cached;
    const row = this.lookup.get(personId) as { wrapped: Buffer | null } | undefined;
    if (!row?.wrapped) return undefined;
    const key = this.unwrap(row.wrapped);
    this.cache.set(personId, key);
    if (this.cache.size > CACHED_KEYS) this.cache.delete(this.cache.keys().next().value as string);
    return key;
  }

  destroy(personId: string, at: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO key_person_keys (person_id, wrapped, destroyed_at) VALUES (?, NULL, ?)
           ON CONFLICT(person_id) DO UPDATE SET wrapped = NULL, destroyed_at = excluded.destroyed_at`,
        )
        .run(personId, at);
      this.db.prepare('UPDATE key_erasures SET count = count + 1 WHERE id = 1').run();
    })();
    // Erasures are rare: forget every cached key and read the count afresh on the next use.
    this.cache.forEach((key) => key.fill(0));
    this.cache.clear();
    this.checkedVersion = -1;
    this.checkedErasures = -1;
    this.checkedThisTurn = false;
  }

  erasures(): number {
    this.dropCacheAfterErasureElsewhere();
    return this.checkedErasures;
  }

  destroyedAt(personId: string): string | undefined {
    const row = this.destroyedLookup.get(personId) as
      | { destroyed_at: string | null }
      | undefined;
    return row?.destroyed_at ?? undefined;
  }

  private dropCacheAfterErasureElsewhere(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    queueMicrotask(() => (this.checkedThisTurn = false));
    const version = this.dataVersion.get() as number;
    if (version === this.checkedVersion) return;
    const erasures = this.erasureCount.get() as number;
    if (erasures !== this.checkedErasures) {
      this.cache.forEach((key) => key.fill(0));
      this.cache.clear();
      this.checkedErasures = erasures;
    }
    this.checkedVersion = version;
  }

  private wrap(key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    const body = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /**
   * The key in a buffer of its own: a small `Buffer.concat` result is a slice of Node's shared
   * 8 KB pool, and a cached slice keeps its whole pool slab alive — one slab per person once
   * thousands of keys are cached between other allocations (hundreds of MB at 50,000 people).
   */
  private unwrap(wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
    const key = Buffer.alloc(plain.length);
    plain.copy(key);
    plain.fill(0);
    return key;
  }
}
