import type { OpenedEvent } from './event-repository';

interface Entry {
  events: OpenedEvent[];
}

/**
 * Streams already read and opened, so that loading a person again (the next command, the next
 * history read) reads and decrypts only the events appended since. Events are immutable, so a
 * cached prefix stays true; the caller always reads the tail from the store, which also brings
 * what other processes appended.
 *
 * Bounded by a number of events, least recently used stream out first. Everything is dropped
 * when a person's key is destroyed anywhere (`erasures` moved), so no opened personal data
 * outlives an erasure in memory.
 */
export class OpenedStreamCache {
  private readonly streams = new Map<string, Entry>();
  private size = 0;
  private erasures = Number.NaN;

  constructor(private readonly maxEvents: number) {}

  /** The cached events of `stream` (oldest first), or nothing; forgets all after an erasure. */
  get(stream: string, erasures: number): readonly OpenedEvent[] | undefined {
    if (erasures !== this.erasures) {
      this.clear();
      this.erasures = erasures;
      return undefined;
    }
    const entry = this.streams.get(stream);
    if (!entry) return undefined;
    this.streams.delete(stream);
    this.streams.set(stream, entry);
    return entry.events;
  }

  /** Whether events of `stream` are held (streams are never deleted: it exists). */
  holds(stream: string): boolean {
    return (this.streams.get(stream)?.events.length ?? 0) > 0;
  }

  /** Records `tail`, the events read after the cached ones (or the whole stream). */
  extend(stream: string, erasures: number, tail: readonly OpenedEvent[]): void {
    if (this.maxEvents <= 0 || erasures !== this.erasures) return;
    const entry = this.streams.get(stream) ?? { events: [] };
    const expected = entry.events.length;
    if (tail.length > 0 && tail[0].revision !== expected) return this.forget(stream);
    entry.events.push(...tail);
    this.size += tail.length;
    this.streams.delete(stream);
    this.streams.set(stream, entry);
    for (const [oldest, { events }] of this.streams) {
      if (this.size <= this.maxEvents) break;
      this.streams.delete(oldest);
      this.size -= events.length;
    }
  }

  clear(): void {
    this.streams.clear();
    this.size = 0;
  }

  private forget(stream: string): void {
    const entry = this.streams.get(stream);
    if (!entry) return;
    this.streams.delete(stream);
    this.size -= entry.events.length;
  }
}
