import type { Database } from 'better-sqlite3';
import { validateAppend, validateCount, validateStreamName } from '../append-request';
import { StoreUnavailableError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StreamRead,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { openDatabase } from './open-database';
import { AppendOutcome, appendBatch } from './sqlite-append';
import { SqliteQueries } from './sqlite-queries';
import { SqliteSubscription } from './sqlite-subscription';
import { writeGateOf } from './write-gate';

export interface SqliteEventStoreOptions {
  /** The clock that stamps `recordedAt`; defaults to the system clock. */
  now?: () => Date;
  /** How often a caught-up subscription looks for events appended by other connections. Default 100 ms. */
  pollIntervalMs?: number;
  /** Events read per query while a subscription catches up. Default 500. */
  pageSize?: number;
}

/** An append waiting for the next group commit. */
interface QueuedAppend {
  stream: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * The embedded event store: the `es_events` table in the hub's SQLite file. It shares the
 * connection it is given with the rest of the hub and does not close it; only a store made by
 * `SqliteEventStore.open` owns (and closes) its connection. Durability comes from the
 * connection's settings (see `openDatabase`). Event ids are unique across the whole store, so
 * reusing a stored id anywhere except in an idempotent retry fails with `IdempotencyMismatchError`.
 *
 * Appends are committed in groups: the appends made during one turn of the event loop are
 * written on the next, each in its own savepoint (so each one succeeds or fails alone, as
 * before), inside one IMMEDIATE transaction: one fsync for the group instead of one each. An
 * append still resolves only once its transaction is committed. The group waits for its turn at
 * the file's `WriteGate` (appends made meanwhile join it), not on SQLite's lock.
 */
export class SqliteEventStore implements EventStore {
  private readonly queries: SqliteQueries;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private ownsDatabase = false;
  private closed = false;
  private queue: QueuedAppend[] = [];

  constructor(db: Database, options: SqliteEventStoreOptions = {}) {
    this.queries = new SqliteQueries(db);
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.pageSize = options.pageSize ?? 500;
  }

  /** Opens `file` with `openDatabase` and returns a store that closes it on `close()`. */
  static open(file: string, options?: SqliteEventStoreOptions): SqliteEventStore {
    const db = openDatabase(file);
    try {
      const store = new SqliteEventStore(db, options);
      store.ownsDatabase = true;
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const batch = validateAppend(stream, events, expected);
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events: batch, expected, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void writeGateOf(this.queries.db).run(() => this.commitQueued()));
    });
  }

  /** Writes every queued append in one transaction, then settles each one's promise. */
  private commitQueued(): void {
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    if (this.closed) return group.forEach((a) => a.reject(new StoreUnavailableError('the event store is closed')));
    const { db } = this.queries;
    const recordedAt = this.now().toISOString();
    let outcomes: Array<AppendOutcome | { error: unknown }>;
    try {
      outcomes = db.transaction(() =>
        group.map((a) => {
          try {
            return appendBatch(this.queries, a.stream, a.events, a.expected, recordedAt);
          } catch (error) {
            // A failed append rolled back its own savepoint; the group goes on unless SQLite
            // abandoned the whole transaction, in which case nothing of the group is written.
            if (!db.inTransaction) throw error;
            return { error };
          }
        }),
      ).immediate();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failure = group.length === 1 ? error : new StoreUnavailableError(`SQLite append failed: ${message}`, error);
      return group.forEach((a) => a.reject(failure));
    }
    let written = false;
    outcomes.forEach((outcome, i) => {
      if ('error' in outcome) return group[i].reject(outcome.error);
      written ||= outcome.written;
      group[i].resolve(outcome.result);
    });
    if (written) this.subscriptions.forEach((subscription) => subscription.notify());
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamName(stream);
    validateCount('fromRevision', options.fromRevision);
    validateCount('maxCount', options.maxCount);
    return this.read(() =>
      options.direction === 'backwards'
        ? this.queries.readStreamBackwards(stream, options.fromRevision, options.maxCount)
        : this.queries.readStreamForwards(stream, options.fromRevision ?? 0, options.maxCount),
    );
  }

  async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    for (const { stream, fromRevision } of reads) {
      validateStreamName(stream);
      validateCount('fromRevision', fromRevision);
    }
    return this.read(() => this.queries.readStreamsForwards(reads.map(({ stream, fromRevision }) => [stream, fromRevision] as const)));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    validateCount('after', options.after);
    validateCount('maxCount', options.maxCount);
    return this.read(() =>
      options.direction === 'backwards'
        ? this.queries.readAllBackwards(options.after, options.maxCount)
        : this.queries.readAllForwards(options.after ?? 0, options.maxCount),
    );
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    validateCount('fromPosition', options.fromPosition);
    this.assertOpen();
    const subscription = new SqliteSubscription(options, {
      pageSize: this.pageSize,
      pollIntervalMs: this.pollIntervalMs,
      readAfter: (position, limit) => this.read(() => this.queries.readAllForwards(position, limit)),
      onEnd: (ended) => this.subscriptions.delete(ended),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.commitQueued();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.ownsDatabase) this.queries.db.close();
  }

  private read<T>(query: () => T): T {
    this.assertOpen();
    try {
      return query();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`SQLite read failed: ${message}`, error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }
}
