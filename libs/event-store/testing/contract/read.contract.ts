import type { EventStore } from '@onestop/event-store';
import {
  expectStrictlyDecreasing,
  expectStrictlyIncreasing,
  ids,
  newEvent,
  newEvents,
  newStream,
  ofStreams,
  positions,
  type ContractContext,
} from './fixtures';

export function readContract(context: ContractContext): void {
  const store = (): EventStore => context.subject().store;

  describe('readStream', () => {
    it('reads forwards and backwards, from a revision, up to a count', async () => {
      const stream = newStream();
      const events = newEvents(5);
      await store().append(stream, events);

      expect(ids(await store().readStream(stream))).toEqual(ids(events));
      expect(ids(await store().readStream(stream, { direction: 'forwards', fromRevision: 2, maxCount: 2 }))).toEqual(
        ids(events.slice(2, 4)),
      );
      expect(ids(await store().readStream(stream, { direction: 'backwards' }))).toEqual(ids(events).reverse());
      expect(ids(await store().readStream(stream, { direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual([
        events[3].id,
        events[2].id,
      ]);
      expect(await store().readStream(stream, { fromRevision: 5 })).toEqual([]);
    });

    it('returns no events for a stream that does not exist', async () => {
      expect(await store().readStream(newStream())).toEqual([]);
      expect(await store().readStream(newStream(), { direction: 'backwards' })).toEqual([]);
    });
  });

  describe('readAll', () => {
    async function appendAcrossStreams(): Promise<{ a: string; b: string; appended: string[]; at: number[] }> {
      const [a, b] = [newStream(), newStream('referral')];
      const appended: string[] = [];
      const at: number[] = [];
      for (const stream of [a, b, a, b, a]) {
        const event = newEvent();
        at.push((await store().append(stream, [event])).position);
        appended.push(event.id);
      }
      return { a, b, appended, at };
    }

    it('reads every stream in global commit order after a position', async () => {
      const { a, b, appended, at } = await appendAcrossStreams();

      const after = await store().readAll({ after: at[0] });
      expect(positions(after).every((p) => p > at[0])).toBe(true);
      expectStrictlyIncreasing(positions(after));
      expect(ids(ofStreams(after, a, b))).toEqual(appended.slice(1));
      expect(positions(ofStreams(after, a, b))).toEqual(at.slice(1));
    });

    it('reads up to a count after a position', async () => {
      const { at } = await appendAcrossStreams();

      const page = await store().readAll({ after: at[1], maxCount: 2 });
      expect(page).toHaveLength(2);
      expect(page[0].position).toBeGreaterThan(at[1]);
      expect(page[0].position).toBeLessThanOrEqual(at[2]);
      expectStrictlyIncreasing(positions(page));
    });

    it('reads backwards before a position, and from the end', async () => {
      const { a, b, appended, at } = await appendAcrossStreams();

      const before = await store().readAll({ direction: 'backwards', after: at[4], maxCount: 1000 });
      expect(positions(before).every((p) => p < at[4])).toBe(true);
      expectStrictlyDecreasing(positions(before));
      expect(ids(ofStreams(before, a, b)).slice(0, 4)).toEqual(appended.slice(0, 4).reverse());

      const newest = await store().readAll({ direction: 'backwards', maxCount: 10 });
      expect(newest.length).toBeGreaterThan(0);
      expect(newest[0].position).toBeGreaterThanOrEqual(at[4]);
      expectStrictlyDecreasing(positions(newest));
    });
  });
}
