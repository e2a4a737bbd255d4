import {
  IdempotencyMismatchError,
  StoreInvalidRequestError,
  StreamVersionConflictError,
  type EventStore,
  type ExpectedRevision,
} from '@onestop/event-store';
import {
  expectStrictlyIncreasing,
  ids,
  newEvent,
  newEvents,
  newStream,
  positions,
  type ContractContext,
} from './fixtures';

async function expectConflict(
  store: EventStore,
  stream: string,
  expectedRevision: ExpectedRevision,
  actualRevision: number,
): Promise<void> {
  const before = await store.readStream(stream);
  const attempt = store.append(stream, [newEvent()], { expectedRevision });
  await expect(attempt).rejects.toBeInstanceOf(StreamVersionConflictError);
  await expect(attempt).rejects.toMatchObject({ code: 'stream.version-conflict', stream, actualRevision });
  expect(await store.readStream(stream)).toEqual(before);
}

export function appendContract(context: ContractContext): void {
  const store = (): EventStore => context.subject().store;

  describe('append', () => {
    it('numbers a stream from revision 0 without gaps and keeps every field', async () => {
      const stream = newStream();
      const singles = newEvents(3);
      const results = [];
      for (const event of singles) results.push(await store().append(stream, [event]));
      const batch = newEvents(2);
      batch[1].metadata = { correlationId: 'c-1' };
      results.push(await store().append(stream, batch));

      expect(results.map((r) => r.nextRevision)).toEqual([0, 1, 2, 4]);
      expectStrictlyIncreasing(results.map((r) => r.position));
      const stored = await store().readStream(stream);
      expect(stored.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      expect(ids(stored)).toEqual(ids([...singles, ...batch]));
      expectStrictlyIncreasing(positions(stored));
      expect(stored[4]).toMatchObject({ stream, type: batch[1].type, data: batch[1].data, metadata: { correlationId: 'c-1' } });
      expect(stored[0].metadata).toEqual({});
      expect(stored.map((e) => e.position)[2]).toBe(results[2].position);
      expect(stored[4].position).toBe(results[3].position);
      expect(Number.isNaN(Date.parse(stored[0].recordedAt))).toBe(false);
    });

    it('writes a multi-event batch atomically, at consecutive revisions and positions', async () => {
      const stream = newStream();
      const before = await store().append(stream, [newEvent()]);
      const batch = newEvents(3);
      const result = await store().append(stream, batch, { expectedRevision: 0 });

      const stored = await store().readStream(stream, { fromRevision: 1 });
      expect(ids(stored)).toEqual(ids(batch));
      expect(result).toEqual({ nextRevision: 3, position: stored[2].position });
      const all = await store().readAll({ after: before.position });
      const within = all.filter((e) => e.position >= stored[0].position && e.position <= stored[2].position);
      expect(ids(within)).toEqual(ids(batch));

      await expect(store().append(stream, newEvents(3), { expectedRevision: 0 })).rejects.toBeInstanceOf(
        StreamVersionConflictError,
      );
      expect(await store().readStream(stream)).toHaveLength(4);
    });

    describe('expected revision', () => {
      it('any: appends to a new and to an existing stream', async () => {
        const stream = newStream();
        expect((await store().append(stream, [newEvent()], { expectedRevision: 'any' })).nextRevision).toBe(0);
        expect((await store().append(stream, [newEvent()], { expectedRevision: 'any' })).nextRevision).toBe(1);
        expect((await store().append(stream, [newEvent()])).nextRevision).toBe(2);
      });

      it('no_stream: appends to a new stream, conflicts on an existing one', async () => {
        const stream = newStream();
        expect((await store().append(stream, newEvents(2), { expectedRevision: 'no_stream' })).nextRevision).toBe(1);
        await expectConflict(store(), stream, 'no_stream', 1);
      });

      it('stream_exists: conflicts on a new stream with actual revision -1, appends to an existing one', async () => {
        const stream = newStream();
        await expectConflict(store(), stream, 'stream_exists', -1);
        expect(await store().readStream(stream)).toEqual([]);
        await store().append(stream, [newEvent()]);
        expect((await store().append(stream, [newEvent()], { expectedRevision: 'stream_exists' })).nextRevision).toBe(1);
      });

      it('exact revision: appends when it matches, conflicts with the actual revision when stale', async () => {
        const stream = newStream();
        await expectConflict(store(), stream, 0, -1);
        await store().append(stream, newEvents(3), { expectedRevision: 'no_stream' });
        expect((await store().append(stream, [newEvent()], { expectedRevision: 2 })).nextRevision).toBe(3);
        await expectConflict(store(), stream, 2, 3);
        await expectConflict(store(), stream, 7, 3);
      });
    });

    describe('idempotency by event id', () => {
      it('a retry of the same batch at the same expected revision returns the original result and stores one copy', async () => {
        const stream = newStream();
        await store().append(stream, [newEvent()]);
        const batch = newEvents(2);
        const first = await store().append(stream, batch, { expectedRevision: 0 });
        const retry = await store().append(stream, batch, { expectedRevision: 0 });

        expect(retry).toEqual(first);
        expect(ids(await store().readStream(stream))).toEqual([expect.any(String), ...ids(batch)]);
      });

      it('a retry with expected revision any is idempotent too', async () => {
        const stream = newStream();
        const batch = newEvents(2);
        const first = await store().append(stream, batch);
        expect(await store().append(stream, batch)).toEqual(first);
        expect(await store().readStream(stream)).toHaveLength(2);
      });

      it('a "retry" whose ids do not line up with the stored batch fails and writes nothing', async () => {
        const stream = newStream();
        const batch = newEvents(2);
        await store().append(stream, batch, { expectedRevision: 'no_stream' });
        const altered = [batch[0], newEvent()];

        const attempt = store().append(stream, altered, { expectedRevision: 'no_stream' });
        await expect(attempt).rejects.toBeInstanceOf(IdempotencyMismatchError);
        await expect(attempt).rejects.toMatchObject({ code: 'stream.idempotency-mismatch' });
        expect(ids(await store().readStream(stream))).toEqual(ids(batch));
      });
    });

    it('refuses malformed appends', async () => {
      const stream = newStream();
      const reused = newEvent();
      const invalid = [
        () => store().append(stream, []),
        () => store().append('', [newEvent()]),
        () => store().append('$system', [newEvent()]),
        () => store().append(stream, [{ ...newEvent(), id: 'not-a-uuid' }]),
        () => store().append(stream, [{ ...newEvent(), type: '$internal' }]),
        () => store().append(stream, [reused, { ...newEvent(), id: reused.id }]),
        () => store().append(stream, [newEvent()], { expectedRevision: -1 }),
        () => store().append(stream, [newEvent()], { expectedRevision: 1.5 }),
      ];
      for (const attempt of invalid) await expect(attempt()).rejects.toBeInstanceOf(StoreInvalidRequestError);
      expect(await store().readStream(stream)).toEqual([]);
    });
  });
}
