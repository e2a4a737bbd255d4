import { StoreInvalidRequestError, type EventStore } from '@onestop/event-store';
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

  describe('readStreams', () => {
    it('reads several streams at once, each from its own revision, as reading each would', async () => {
      const [a, b, empty, missing] = [newStream(), newStream('referral'), newStream(), newStream()];
      const [inA, inB] = [newEvents(4), newEvents(2)];
      await store().append(a, inA.slice(0, 2));
      await store().append(b, inB);
      await store().append(a, inA.slice(2));
      await store().append(empty, newEvents(1));
      const reads = [
        { stream: b, fromRevision: 0 },
        { stream: a, fromRevision: 1 },
        { stream: missing, fromRevision: 0 },
        { stream: empty, fromRevision: 1 },
        { stream: a, fromRevision: 3 },
      ];
      const read = await store().readStreams(reads);
      expect(read.map(ids)).toEqual([ids(inB), ids(inA.slice(1)), [], [], ids(inA.slice(3))]);
      for (const [i, { stream, fromRevision }] of reads.entries()) expect(read[i]).toEqual(await store().readStream(stream, { fromRevision }));
      expect(await store().readStreams([])).toEqual([]);
    });

    it('reads a hundred streams in one call', async () => {
      const streams = Array.from({ length: 100 }, () => newStream('referral'));
      for (const stream of streams) await store().append(stream, newEvents(2));
      const read = await store().readStreams(streams.map((stream, i) => ({ stream, fromRevision: i % 3 })));
      expect(read.map((events) => events.length)).toEqual(streams.map((_, i) => Math.max(0, 2 - (i % 3))));
      expect(read.every((events, i) => events.every((e) => e.stream === streams[i]))).toBe(true);
    });

    it('refuses a bad stream name or revision as readStream does', async () => {
      await expect(store().readStreams([{ stream: '', fromRevision: 0 }])).rejects.toThrow(StoreInvalidRequestError);
      await expect(store().readStreams([{ stream: newStream(), fromRevision: -1 }])).rejects.toThrow(StoreInvalidRequestError);
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
