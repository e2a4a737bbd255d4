import type { EventStore, RecordedEvent } from '@onestop/event-store';
import {
  delay,
  expectStrictlyIncreasing,
  ids,
  newEvent,
  newEvents,
  newStream,
  ofStreams,
  positions,
  record,
  waitFor,
  type ContractContext,
} from './fixtures';

/** Longer than any adapter's poll interval: what has not arrived by then is not coming. */
const QUIET_MS = 500;

export function subscribeContract(context: ContractContext): void {
  const store = (): EventStore => context.subject().store;

  describe('subscribeToAll', () => {
    it('from the start delivers every stored event, then signals caught up once, then live events', async () => {
      const stream = newStream();
      const stored = newEvents(3);
      await store().append(stream, stored);

      const run = record(store());
      await waitFor(run.caughtUp, 'caught up', 30_000);
      const live = newEvents(2);
      await store().append(stream, [live[0]]);
      await store().append(stream, [live[1]]);
      await waitFor(() => ofStreams(run.events(), stream).length === 5, 'the live events');
      await run.subscription.stop();

      const caughtUpAt = run.deliveries.findIndex((d) => d.kind === 'caught-up');
      const beforeCaughtUp = run.deliveries.slice(0, caughtUpAt).flatMap((d) => (d.kind === 'event' ? [d.event] : []));
      expect(ids(ofStreams(beforeCaughtUp, stream))).toEqual(ids(stored));
      expect(run.deliveries.filter((d) => d.kind === 'caught-up')).toHaveLength(1);
      expect(ids(ofStreams(run.events(), stream))).toEqual(ids([...stored, ...live]));
      expectStrictlyIncreasing(positions(run.events()));
    });

    it('resumes after a checkpoint with exactly the events after it', async () => {
      const stream = newStream();
      await store().append(stream, newEvents(2));
      const [checkpoint] = await store().readStream(stream, { direction: 'backwards', maxCount: 1 });
      const later = newEvents(3);
      await store().append(stream, [later[0]]);
      await store().append(stream, later.slice(1));

      const run = record(store(), checkpoint.position);
      await waitFor(() => ofStreams(run.events(), stream).length >= 3, 'the events after the checkpoint');
      await waitFor(run.caughtUp, 'caught up');
      await delay(50);
      await run.subscription.stop();

      expect(positions(run.events()).every((p) => p > checkpoint.position)).toBe(true);
      expect(ids(ofStreams(run.events(), stream))).toEqual(ids(later));
      expectStrictlyIncreasing(positions(run.events()));
    });

    it('stop() ends delivery', async () => {
      const stream = newStream();
      const start = await store().append(stream, [newEvent()]);
      const run = record(store(), start.position);
      await waitFor(run.caughtUp, 'caught up');
      await store().append(stream, [newEvent()]);
      await waitFor(() => ofStreams(run.events(), stream).length === 1, 'the live event');

      await run.subscription.stop();
      await store().append(stream, [newEvent()]);
      await delay(QUIET_MS);
      expect(ofStreams(run.events(), stream)).toHaveLength(1);
    });

    it('awaits onEvent before the next delivery, and stop() waits for the one in flight', async () => {
      const stream = newStream();
      const start = await store().append(stream, [newEvent()]);
      await store().append(stream, newEvents(4));
      let inFlight = 0;
      let mostInFlight = 0;
      const seen: RecordedEvent[] = [];
      const subscription = store().subscribeToAll({
        fromPosition: start.position,
        onEvent: async (event) => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await delay(20);
          seen.push(event);
          inFlight -= 1;
        },
      });
      await waitFor(() => ofStreams(seen, stream).length >= 2, 'two deliveries');
      await subscription.stop();

      expect(inFlight).toBe(0);
      expect(mostInFlight).toBe(1);
      const delivered = seen.length;
      await delay(100);
      expect(seen).toHaveLength(delivered);
    });

    it('can be stopped from inside onEvent', async () => {
      const stream = newStream();
      const start = await store().append(stream, [newEvent()]);
      await store().append(stream, newEvents(3));
      const seen: RecordedEvent[] = [];
      const subscription = store().subscribeToAll({
        fromPosition: start.position,
        onEvent: async (event) => {
          seen.push(event);
          await subscription.stop();
        },
      });
      await waitFor(() => seen.length === 1, 'the first delivery');
      await delay(100);
      await subscription.stop();
      expect(seen).toHaveLength(1);
    });

    it('reports a failing onEvent through onError once and delivers nothing more', async () => {
      const stream = newStream();
      const start = await store().append(stream, [newEvent()]);
      await store().append(stream, newEvents(3));
      const failure = new Error('projection failed');
      const errors: Error[] = [];
      let calls = 0;
      const subscription = store().subscribeToAll({
        fromPosition: start.position,
        onEvent: () => {
          calls += 1;
          throw failure;
        },
        onError: (error) => errors.push(error),
      });
      await waitFor(() => errors.length > 0, 'onError');
      await delay(100);
      await subscription.stop();
      expect(errors).toEqual([failure]);
      expect(calls).toBe(1);
    });
  });
}
