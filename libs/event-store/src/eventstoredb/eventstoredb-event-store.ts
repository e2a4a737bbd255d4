import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { describeExpected, validateAppend, validateCount, validateStreamName } from '../append-request';
import {
  IdempotencyMismatchError,
  StoreInvalidRequestError,
  StoreUnavailableError,
  StreamVersionConflictError,
} from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { translateEsdbError } from './esdb-errors';
import { fromLogPosition, isSystemEvent, toEsdbExpected, toEventData, toLogPosition, toRecordedEvent } from './esdb-mapping';
import { EsdbSubscription, type ReconnectPolicy } from './esdb-subscription';

export interface EventStoreDbEventStoreOptions {
  /** Events fetched per request when reading `$all`. Default 500. */
  readPageSize?: number;
  reconnect?: Partial<ReconnectPolicy>;
}

/**
 * The event store on EventStoreDB (22.6 or later; 23.10 or later for the caught-up signal of
 * subscriptions). A port position is the event's commit position in the server's log, which
 * carries exactly up to 2^53 - 1 (8 PiB of log). System events (`$`-prefixed types or streams)
 * are never returned. Like the SQLite store it leaves a client it was given open on `close()`;
 * a store made by `connect` owns its client.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly readPageSize: number;
  private readonly reconnect: ReconnectPolicy;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private ownsClient = false;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.readPageSize = options.readPageSize ?? 500;
    this.reconnect = { initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: Infinity, ...options.reconnect };
  }

  /** Connects with an `esdb://` or `esdb+discover://` connection string. */
  static connect(connectionString: string, options?: EventStoreDbEventStoreOptions): EventStoreDbEventStore {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreInvalidRequestError(`invalid EventStoreDB connection string: ${reason}`);
    }
    const store = new EventStoreDbEventStore(client, options);
    store.ownsClient = true;
    return store;
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const batch = validateAppend(stream, events, expected);
    this.assertOpen();
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(stream, batch.map(toEventData), {
        expectedRevision: toEsdbExpected(expected),
      });
    } catch (error) {
      throw await this.explainAppendFailure(error, stream, batch, expected);
    }
    const nextRevision = Number(result.nextExpectedRevision);
    return { nextRevision, position: fromLogPosition(result.position) ?? (await this.positionAt(stream, nextRevision)) };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamName(stream);
    validateCount('fromRevision', options.fromRevision);
    validateCount('maxCount', options.maxCount);
    this.assertOpen();
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
        maxCount: options.maxCount,
      });
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw translateEsdbError(error, `reading ${stream}`);
    }
    return events;
  }

  /** Each stream read on its own, all at once (the client multiplexes them on one connection). */
  async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    for (const { stream, fromRevision } of reads) {
      validateStreamName(stream);
      validateCount('fromRevision', fromRevision);
    }
    return Promise.all(reads.map(({ stream, fromRevision }) => this.readStream(stream, { fromRevision })));
  }

  /**
   * Reads `$all` a page at a time from the given position, skipping system events, until
   * `maxCount` events are found or the log ends. Reading forwards from a position includes the
   * event at it, so events at or before `after` are skipped.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    validateCount('after', options.after);
    validateCount('maxCount', options.maxCount);
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    const wanted = options.maxCount ?? Infinity;
    const events: RecordedEvent[] = [];
    let last = options.after === undefined ? undefined : BigInt(options.after);
    let from: ReadPosition = options.after === undefined ? (backwards ? END : START) : toLogPosition(options.after);
    try {
      while (events.length < wanted) {
        const page = await collect(
          this.client.readAll({ direction: backwards ? BACKWARDS : FORWARDS, fromPosition: from, maxCount: this.readPageSize }),
        );
        for (const { event } of page) {
          if (!event || events.length >= wanted) continue;
          const commit = event.position.commit;
          if (last !== undefined && (backwards ? commit >= last : commit <= last)) continue;
          last = commit;
          from = event.position;
          if (!isSystemEvent(event)) events.push(toRecordedEvent(event));
        }
        if (page.length < this.readPageSize) break;
      }
    } catch (error) {
      throw translateEsdbError(error, 'reading $all');
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    validateCount('fromPosition', options.fromPosition);
    this.assertOpen();
    const subscription = new EsdbSubscription(this.client, options, this.reconnect, (ended) =>
      this.subscriptions.delete(ended),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.ownsClient) await this.client.dispose();
  }

  /**
   * The server reports a failed expectation the same way whether the stream moved on or the ids
   * are already stored differently at the expected place (a "corrupted idempotency"); reading
   * the event at that place tells the two apart.
   */
  private async explainAppendFailure(
    error: unknown,
    stream: string,
    batch: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<Error> {
    if (!(error instanceof WrongExpectedVersionError)) return translateEsdbError(error, `append to ${stream}`);
    const actual = error.actualVersion === 'no_stream' ? -1 : Number(error.actualVersion);
    const mismatch = new IdempotencyMismatchError(stream, 'the stored events at the expected revision differ');
    if (expected === 'any') return mismatch;
    if (typeof expected === 'number' || expected === 'no_stream') {
      const start = expected === 'no_stream' ? 0 : expected + 1;
      const [stored] = await this.readStream(stream, { fromRevision: start, maxCount: 1 });
      if (stored?.id === batch[0].id) return mismatch;
    }
    return new StreamVersionConflictError(stream, describeExpected(expected), actual);
  }

  /** The server sends no position for an idempotent retry; the stored event has it. */
  private async positionAt(stream: string, revision: number): Promise<number> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new StoreUnavailableError(`EventStoreDB acknowledged ${stream}@${revision} but does not return it`);
    return event.position;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }
}

async function collect(read: AsyncIterable<AllStreamResolvedEvent>): Promise<AllStreamResolvedEvent[]> {
  const page: AllStreamResolvedEvent[] = [];
  for await (const resolved of read) page.push(resolved);
  return page;
}
