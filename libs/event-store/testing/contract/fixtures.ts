import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent, Subscription } from '@onestop/event-store';

/**
 * What a contract run needs from an adapter. `second` opens another store on the same backing
 * data (another connection, another client) and `reopen` opens a store again after the first was
 * closed, as a restarted process would; `cleanup` closes whatever is still open and removes the data.
 */
export interface EventStoreContractSubject {
  store: EventStore;
  reopen(): Promise<EventStore>;
  second(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

export type EventStoreContractFactory = () => Promise<EventStoreContractSubject>;

/** Gives each test of a contract run its own subject. */
export interface ContractContext {
  subject(): EventStoreContractSubject;
}

/** A stream no other test (or other user of a shared server) writes to. */
export function newStream(kind = 'person'): string {
  return `${kind}-${randomUUID()}`;
}

export function newEvent(type = 'ContractTested.v1', data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data: { marker: randomUUID(), ...data } };
}

export function newEvents(count: number, type?: string): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

export function ofStreams(events: readonly RecordedEvent[], ...streams: string[]): RecordedEvent[] {
  return events.filter((event) => streams.includes(event.stream));
}

export function ids(events: readonly { id: string }[]): string[] {
  return events.map((event) => event.id);
}

export function positions(events: readonly RecordedEvent[]): number[] {
  return events.map((event) => event.position);
}

export function expectStrictlyIncreasing(values: readonly number[]): void {
  values.slice(1).forEach((value, index) => expect(value).toBeGreaterThan(values[index]));
}

export function expectStrictlyDecreasing(values: readonly number[]): void {
  values.slice(1).forEach((value, index) => expect(value).toBeLessThan(values[index]));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `condition` holds, polling every 10 ms; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

/** One entry of what a subscription handed over, in the order it did. */
export type Delivery = { kind: 'event'; event: RecordedEvent } | { kind: 'caught-up' };

/** Subscribes and records every delivery; `stop()` is left to the test. */
export function record(
  store: EventStore,
  fromPosition?: number,
): { deliveries: Delivery[]; events: () => RecordedEvent[]; caughtUp: () => boolean; subscription: Subscription } {
  const deliveries: Delivery[] = [];
  const subscription = store.subscribeToAll({
    fromPosition,
    onEvent: (event) => {
      deliveries.push({ kind: 'event', event });
    },
    onCaughtUp: () => {
      deliveries.push({ kind: 'caught-up' });
    },
  });
  return {
    deliveries,
    events: () => deliveries.flatMap((d) => (d.kind === 'event' ? [d.event] : [])),
    caughtUp: () => deliveries.some((d) => d.kind === 'caught-up'),
    subscription,
  };
}
