import { StoreUnavailableError, StreamVersionConflictError, type EventStore } from '@onestop/event-store';
import { newEvent, newEvents, newStream, ofStreams, type ContractContext } from './fixtures';

const ROUNDS = 50;

export function durabilityContract(context: ContractContext): void {
  describe('two stores on the same data', () => {
    it(`exactly one of two appends at the same expected revision wins (${ROUNDS} rounds)`, async () => {
      const { store } = context.subject();
      const other = await context.subject().second();
      const stream = newStream();

      for (let round = 0; round < ROUNDS; round += 1) {
        const expectedRevision = round === 0 ? 'no_stream' : round - 1;
        const outcomes = await Promise.allSettled([
          store.append(stream, [newEvent()], { expectedRevision }),
          other.append(stream, [newEvent()], { expectedRevision }),
        ]);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(StreamVersionConflictError);
        expect(lost[0]).toMatchObject({ actualRevision: round });
      }

      const stored = await other.readStream(stream);
      expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: ROUNDS }, (_, i) => i));
    });

    it('each store sees what the other appended', async () => {
      const { store } = context.subject();
      const other = await context.subject().second();
      const stream = newStream();
      await store.append(stream, [newEvent()]);
      await other.append(stream, [newEvent()], { expectedRevision: 0 });

      expect(await store.readStream(stream)).toEqual(await other.readStream(stream));
      expect(await store.readStream(stream)).toHaveLength(2);
    });
  });

  describe('restart', () => {
    it('a store opened again after close() sees every event and continues the revisions', async () => {
      const subject = context.subject();
      const [a, b] = [newStream(), newStream('referral')];
      const first = await subject.store.append(a, newEvents(2));
      await subject.store.append(b, newEvents(3));
      await subject.store.append(a, [newEvent()], { expectedRevision: 1 });
      const streamA = await subject.store.readStream(a);
      const streamB = await subject.store.readStream(b);
      const all = ofStreams(await subject.store.readAll({ after: first.position }), a, b);
      await subject.store.close();

      const reopened: EventStore = await subject.reopen();
      expect(await reopened.readStream(a)).toEqual(streamA);
      expect(await reopened.readStream(b)).toEqual(streamB);
      expect(ofStreams(await reopened.readAll({ after: first.position }), a, b)).toEqual(all);
      expect((await reopened.append(a, [newEvent()], { expectedRevision: 2 })).nextRevision).toBe(3);
    });

    it('a closed store refuses further work', async () => {
      const { store } = context.subject();
      await store.close();
      await expect(store.append(newStream(), [newEvent()])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readStream(newStream())).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}
