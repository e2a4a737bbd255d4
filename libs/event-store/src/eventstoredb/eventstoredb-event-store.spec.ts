import { ANY, InvalidArgumentError, NO_STREAM, STREAM_EXISTS, UnavailableError } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { StoreInvalidRequestError, StoreUnavailableError } from '../errors';
import { translateEsdbError } from './esdb-errors';
import { fromLogPosition, isSystemEvent, toEsdbExpected } from './esdb-mapping';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/** What can be checked without a server; the contract itself runs in the `esdb` jest project. */
describe('EventStoreDbEventStore without a server', () => {
  const unreachable = 'esdb://127.0.0.1:1?tls=false';

  it('maps every expected revision to the client constant or a bigint revision', () => {
    expect(toEsdbExpected('any')).toBe(ANY);
    expect(toEsdbExpected('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpected('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpected(41)).toBe(41n);
  });

  it('takes the commit position as the port position, and refuses what a number cannot carry', () => {
    expect(fromLogPosition({ commit: 1_234n, prepare: 1_234n })).toBe(1_234);
    expect(fromLogPosition(undefined)).toBeUndefined();
    expect(fromLogPosition({ commit: -1n, prepare: -1n })).toBeUndefined();
    expect(fromLogPosition({ commit: 18_446_744_073_709_551_615n, prepare: 0n })).toBeUndefined();
  });

  it('treats $-prefixed event types and streams as system events', () => {
    expect(isSystemEvent({ type: '$metadata', streamId: '$$person-1' })).toBe(true);
    expect(isSystemEvent({ type: 'Linked', streamId: '$ce-person' })).toBe(true);
    expect(isSystemEvent({ type: 'PersonRegistered.v1', streamId: 'person-1' })).toBe(false);
  });

  it('translates client errors into the hub errors', () => {
    expect(translateEsdbError(new UnavailableError(), 'append to person-1')).toBeInstanceOf(StoreUnavailableError);
    expect(translateEsdbError(new InvalidArgumentError('bad id'), 'append to s')).toBeInstanceOf(
      StoreInvalidRequestError,
    );
  });

  it('refuses a malformed connection string as an invalid request', () => {
    expect(() => EventStoreDbEventStore.connect('not-a-connection-string')).toThrow(StoreInvalidRequestError);
  });

  it('reports an unreachable server as store.unavailable on append and reads', async () => {
    const store = EventStoreDbEventStore.connect(unreachable);
    const event = { id: randomUUID(), type: 'Tested.v1', data: {} };
    await expect(store.append('person-1', [event])).rejects.toMatchObject({ code: 'store.unavailable' });
    await expect(store.readStream('person-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });

  it('retries a lost subscription with doubling pauses, then reports it through onError once', async () => {
    const store = EventStoreDbEventStore.connect(unreachable, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 3 },
    });
    const errors: Error[] = [];
    const started = Date.now();
    const subscription = store.subscribeToAll({ onEvent: () => undefined, onError: (error) => errors.push(error) });
    while (errors.length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 10));
    const elapsed = Date.now() - started;
    await subscription.stop();
    await store.close();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreUnavailableError);
    expect(elapsed).toBeGreaterThanOrEqual(50 + 100 + 200);
  });

  it('stops a subscription that is waiting to reconnect', async () => {
    const store = EventStoreDbEventStore.connect(unreachable, { reconnect: { initialDelayMs: 60_000 } });
    const errors: Error[] = [];
    const subscription = store.subscribeToAll({ onEvent: () => undefined, onError: (error) => errors.push(error) });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors).toEqual([]);
    await store.close();
  });
});
