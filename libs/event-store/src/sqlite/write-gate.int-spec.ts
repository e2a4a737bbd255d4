import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase } from './open-database';
import { SqliteEventStore } from './sqlite-event-store';
import { WriteGate, writeGateOf } from './write-gate';

/**
 * Another thread holding the turn for `holdMs` (or for good with -1), written as the gate's
 * protocol is (the word 0 when free, 1 when taken), since a worker cannot load TypeScript here.
 */
function otherThreadHolds(buffer: SharedArrayBuffer, holdMs: number): Promise<Worker> {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const word = new Int32Array(workerData.buffer);
     while (Atomics.compareExchange(word, 0, 0, 1) !== 0) Atomics.wait(word, 0, 1, 10);
     parentPort.postMessage('holding');
     if (workerData.holdMs >= 0) {
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
       Atomics.store(word, 0, 0);
       Atomics.notify(word, 0);
       parentPort.postMessage('released');
     }`,
    { eval: true, workerData: { buffer, holdMs } },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

describe('WriteGate', () => {
  it('runs a write at once when no other thread has the turn, and gives the turn back', async () => {
    const gate = new WriteGate();
    await expect(gate.run(() => 42)).resolves.toBe(42);
    expect(new Int32Array(gate.buffer)[0]).toBe(0);
    await expect(gate.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(
      gate.run(() => {
        throw new Error('failed write');
      }),
    ).rejects.toThrow('failed write');
    expect(new Int32Array(gate.buffer)[0]).toBe(0);
  });

  it('waits while another thread writes, without stopping this event loop, and writes as soon as it is done', async () => {
    const gate = new WriteGate();
    const worker = await otherThreadHolds(gate.buffer, 150);
    const released = new Promise<number>((resolve) => worker.once('message', () => resolve(performance.now())));
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    const ranAt = await gate.run(() => performance.now());
    clearInterval(ticker);
    const releasedAt = await released;
    await worker.terminate();
    expect(ranAt).toBeGreaterThanOrEqual(releasedAt - 1); // not while the other thread held the turn
    expect(ticks).toBeGreaterThan(5); // the event loop went on meanwhile
  });

  it('goes on to SQLite’s own lock when the turn is never given back (a thread that died holding it)', async () => {
    const gate = new WriteGate();
    const worker = await otherThreadHolds(gate.buffer, -1);
    const started = performance.now();
    await expect(gate.run(() => 'written')).resolves.toBe('written');
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(new Int32Array(gate.buffer)[0]).toBe(1); // still the other thread's: not taken from it
    await worker.terminate();
  });

  it('is shared by the connections a process opens with the same buffer, and the event store commits through it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onestop-gate-'));
    const gate = new WriteGate();
    const first = openDatabase(join(dir, 'hub.db'), { writeGate: gate.buffer });
    const second = openDatabase(join(dir, 'hub.db'));
    try {
      expect(writeGateOf(first).buffer).toBe(gate.buffer);
      expect(writeGateOf(second).buffer).not.toBe(gate.buffer);
      const store = new SqliteEventStore(first);
      const worker = await otherThreadHolds(gate.buffer, 100);
      const released = new Promise<number>((resolve) => worker.once('message', () => resolve(performance.now())));
      await store.append('person-1', [{ id: '00000000-0000-4000-8000-000000000001', type: 'T.v1', data: {}, metadata: {} }]);
      const appendedAt = performance.now();
      expect(appendedAt).toBeGreaterThanOrEqual((await released) - 1);
      await worker.terminate();
      expect((await store.readStream('person-1')).length).toBe(1);
    } finally {
      first.close();
      second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
