import { newEventId } from './event-ids';
import { Decider, EventMetadata, foldEvents, HubEvent } from '@onestop/domain';
import { EventCodec } from '@onestop/crypto';
import { EventStore, ExpectedRevision, RecordedEvent, StreamVersionConflictError } from '@onestop/event-store';
import { OpenedStreamCache } from './opened-stream-cache';
import { deepFreeze } from './deep-freeze';
import { withMemo } from './reads/event-memo';

/** A stored event opened for the domain: data decrypted, metadata typed. */
export interface OpenedEvent<E extends HubEvent = HubEvent> {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: E['type'];
  data: E['data'];
  metadata: EventMetadata;
  recordedAt: string;
  /** Some fields were sealed under a data key that was destroyed (the person was erased). */
  erased: boolean;
}

/** What an append did. */
export interface Appended {
  stream: string;
  /** The stream's revision after the append (-1 when nothing was appended to an empty stream). */
  revision: number;
  position?: number;
  eventIds: string[];
}

/**
 * Loads streams into decider state and appends new events with optimistic concurrency,
 * sealing personal fields on the way in and opening them on the way out.
 */
export class EventRepository {
  private readonly listeners = new Set<(appended: Appended) => void>();
  private readonly opened: OpenedStreamCache;

  /**
   * `cachedEvents` bounds how many opened events of recently read streams are kept, so that
   * loading a stream again reads and decrypts only what was appended since (0: none kept).
   */
  constructor(
    readonly store: EventStore,
    private readonly codec: EventCodec,
    { cachedEvents = 20_000 }: { cachedEvents?: number } = {},
  ) {
    this.opened = new OpenedStreamCache(cachedEvents);
  }

  /** Calls `listener` after every append made through this repository (in-process wake-ups). */
  onAppended(listener: (appended: Appended) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  open<E extends HubEvent>(recorded: RecordedEvent): OpenedEvent<E> {
    const metadata = recorded.metadata as unknown as EventMetadata;
    const { data, erased } = this.codec.open({ id: recorded.id, type: recorded.type, data: recorded.data, personId: metadata.personId });
    return { ...recorded, type: recorded.type as E['type'], data: data as E['data'], metadata, erased };
  }

  /**
   * The event typed but not opened: sealed fields stay sealed. For readers that use only plain
   * fields (ids, statuses, dates), which need not pay for decryption.
   */
  withSealedFields<E extends HubEvent>(recorded: RecordedEvent): OpenedEvent<E> {
    return { ...recorded, type: recorded.type as E['type'], data: recorded.data as E['data'], metadata: recorded.metadata as unknown as EventMetadata, erased: false };
  }

  /** Whether the stream has any event: from memory when it was read lately, else one row read. */
  async exists(stream: string): Promise<boolean> {
    if (this.opened.holds(stream)) return true;
    return (await this.store.readStream(stream, { maxCount: 1 })).length > 0;
  }

  /**
   * The whole stream, opened. Events already opened are taken from memory; the rest (all of
   * it the first time) is read from the store, so appends by other processes are always seen.
   * The events returned are frozen: they are shared with later readers, who may keep what they
   * work out about one in its memo (`memoOf`).
   */
  async readStream<E extends HubEvent>(stream: string): Promise<OpenedEvent<E>[]> {
    const erasures = this.codec.erasures();
    const known = [...(this.opened.get(stream, erasures) ?? [])];
    const recorded = await this.store.readStream(stream, known.length > 0 ? { fromRevision: known.length } : {});
    return this.withTail(stream, erasures, known, recorded) as OpenedEvent<E>[];
  }

  /** Several whole streams, opened, as `readStream` gives each: one store read brings all their new events. */
  async readStreams<E extends HubEvent>(streams: readonly string[]): Promise<OpenedEvent<E>[][]> {
    const erasures = this.codec.erasures();
    const known = streams.map((stream) => [...(this.opened.get(stream, erasures) ?? [])]);
    const recorded = await this.store.readStreams(streams.map((stream, i) => ({ stream, fromRevision: known[i].length })));
    return streams.map((stream, i) => this.withTail(stream, erasures, known[i], recorded[i]) as OpenedEvent<E>[]);
  }

  /** The events known of a stream followed by those just read, opened, frozen and kept for the next read. */
  private withTail(stream: string, erasures: number, known: OpenedEvent[], recorded: readonly RecordedEvent[]): OpenedEvent[] {
    const tail = recorded.map((e) => deepFreeze(withMemo(this.open(e))));
    this.opened.extend(stream, erasures, tail);
    return known.concat(tail);
  }

  async load<C, E extends HubEvent, S, X>(stream: string, decider: Decider<C, E, S, X>) {
    const events = await this.readStream<E>(stream);
    const state = foldEvents(decider, events as unknown as E[]);
    return { state, revision: events.length - 1, events };
  }

  async append(stream: string, events: readonly HubEvent[], metadata: EventMetadata, expectedRevision: ExpectedRevision): Promise<Appended> {
    if (events.length === 0) {
      const last = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return { stream, revision: last[0]?.revision ?? -1, eventIds: [] };
    }
    const batch = events.map((e) => {
      const id = newEventId();
      return { id, type: e.type, data: this.codec.seal({ id, type: e.type, data: e.data as unknown as Record<string, unknown>, personId: metadata.personId }), metadata: { ...metadata } as Record<string, unknown> };
    });
    const result = await this.store.append(stream, batch, { expectedRevision });
    const appended = { stream, revision: result.nextRevision, position: result.position, eventIds: batch.map((b) => b.id) };
    this.listeners.forEach((listener) => listener(appended));
    return appended;
  }

  /**
   * Load, decide, append. With `expectedRevision` given by the caller a stale revision fails
   * with a conflict; without it the command is decided again on the fresh state (a few times).
   */
  async execute<C, E extends HubEvent, S, X>(
    stream: string,
    decider: Decider<C, E, S, X>,
    command: C,
    context: X,
    metadata: EventMetadata,
    expectedRevision?: number,
  ): Promise<Appended & { events: E[] }> {
    for (let attempt = 0; ; attempt++) {
      const { state, revision } = await this.load(stream, decider);
      if (expectedRevision !== undefined && expectedRevision !== revision) {
        throw new StreamVersionConflictError(stream, String(expectedRevision), revision);
      }
      const events = decider.decide(command, state, context);
      try {
        const appended = await this.append(stream, events, metadata, revision < 0 ? 'no_stream' : revision);
        return { ...appended, events };
      } catch (error) {
        const retry = error instanceof StreamVersionConflictError && expectedRevision === undefined && attempt < 4;
        if (!retry) throw error;
      }
    }
  }
}
