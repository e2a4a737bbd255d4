/**
 * The event-store port. Semantics follow EventStoreDB so that every adapter (SQLite for the
 * embedded default, EventStoreDB for scale-out) behaves the same under the shared contract
 * suite in `libs/event-store/testing`.
 *
 * Rules every adapter holds:
 * - A stream's revisions are zero-based and gapless; an append is atomic (all events or none).
 * - Every event also has a global `position`, strictly increasing in commit order across all
 *   streams; reading all events from a position returns them in that order. Positions are
 *   opaque and not consecutive (EventStoreDB's are log offsets): pass back only positions the
 *   store handed out.
 * - An append names the revision it expects; a mismatch fails with `StreamVersionConflictError`
 *   carrying the actual revision, and nothing is written.
 * - Appending events whose ids are already stored at the same place in that stream is an
 *   idempotent retry: it succeeds without writing and returns the original result. A batch whose
 *   first id is stored but whose ids do not line up with the stored events at consecutive
 *   revisions fails with `IdempotencyMismatchError`, writing nothing.
 * - Malformed requests fail with `StoreInvalidRequestError`; a store that cannot be reached, or
 *   has been closed, fails with `StoreUnavailableError`.
 */
export interface EventStore {
  append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several streams forwards, each from its own revision (inclusive): for each read, in the order
   * given, the stream's events from there in revision order (none for a stream that does not
   * exist or has nothing there). What `readStream` gives for each, in one call: a person's history
   * reads the new events of their record and of every referral about them.
   */
  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Delivers every event after `fromPosition` (exclusive; `undefined` means from the start) in
   * global order, then signals `onCaughtUp` once, then keeps delivering new events live.
   * `onEvent` is awaited: the next event is not delivered until it resolves.
   */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Stops every subscription of this store and releases what the store itself opened. */
  close(): Promise<void>;
}

/** What the caller expects of the stream before the append. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  /** Defaults to `'any'`. */
  expectedRevision?: ExpectedRevision;
}

/** An event about to be appended. */
export interface NewEvent {
  /** A UUID chosen by the caller: the idempotency key. Stored (and returned) in lower case. */
  id: string;
  /** Non-empty and not starting with `$`, which marks the store's own system events. */
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** An event as stored. */
export interface RecordedEvent {
  id: string;
  stream: string;
  /** Zero-based, gapless revision within the stream. */
  revision: number;
  /** Global commit position, strictly increasing across all streams. */
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** When the store committed the event (ISO 8601). */
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: number;
  /** Global position of the last event appended. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

/** One stream to read forwards from a revision (inclusive). */
export interface StreamRead {
  stream: string;
  fromRevision: number;
}

export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  /** Exclusive: events strictly after this position (forwards) or before it (backwards). */
  after?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events with a position greater than this. */
  fromPosition?: number;
  /** Awaited before the next delivery; if it throws, the subscription stops and `onError` gets the error. */
  onEvent(event: RecordedEvent): Promise<void> | void;
  onCaughtUp?(): void;
  /**
   * Called once if the subscription stops because of an error (a failing `onEvent`, or a store
   * failure the adapter could not ride out); it does not restart itself.
   */
  onError?(error: Error): void;
}

export interface Subscription {
  /**
   * Stops delivery; resolves when no `onEvent` call is in flight. May be called from inside
   * `onEvent`, where it does not wait for that call.
   */
  stop(): Promise<void>;
}
