import type { Database } from 'better-sqlite3';

/** How long a writer waits for its turn before going on to SQLite's own lock. */
const MAX_WAIT_MS = 250;

/**
 * Turns at one SQLite file's write lock for the threads of this process (the API's event loop and
 * the publisher's thread).
 *
 * SQLite lets one writer in at a time; a connection that finds the file locked waits inside the
 * call (`busy_timeout`), sleeping 1, 2, 5, 10 ms and more between tries, and the thread's event
 * loop stands still all that time. A writer that takes its turn here first awaits instead, so the
 * API goes on parsing, checking and deciding other requests while the publisher's thread commits,
 * and its own commit starts the moment the lock is free.
 *
 * The gate only orders writers; SQLite's lock remains the guarantee. A writer that has waited
 * `MAX_WAIT_MS` (a thread that died holding its turn, say) goes on to SQLite's lock unturned, as
 * do writers in other processes and writes not made through the gate: all of them stay correct,
 * they may only wait the old way. The turn is held only while `write` runs, synchronously, so it
 * cannot be held across an await.
 */
export class WriteGate {
  private readonly word: Int32Array;

  /** A gate of its own, or the gate another thread shares (its `buffer`, passed in `workerData`). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.word = new Int32Array(buffer);
  }

  /** Waits for this thread's turn (without blocking the event loop), runs `write`, gives the turn back. */
  async run<T>(write: () => T): Promise<T> {
    const turned = this.take() || (await this.await());
    try {
      return write();
    } finally {
      if (turned) this.giveBack();
    }
  }

  private take(): boolean {
    return Atomics.compareExchange(this.word, 0, 0, 1) === 0;
  }

  private async await(): Promise<boolean> {
    const deadline = performance.now() + MAX_WAIT_MS;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      const wait = Atomics.waitAsync(this.word, 0, 1, left);
      if (wait.async) await wait.value;
      if (this.take()) return true;
    }
  }

  private giveBack(): void {
    Atomics.store(this.word, 0, 0);
    Atomics.notify(this.word, 0);
  }
}

const gates = new WeakMap<Database, WriteGate>();

/** The write gate of a connection's file in this process: the one it was opened with, or one of its own. */
export function writeGateOf(db: Database): WriteGate {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new WriteGate()));
  return gate;
}

/** Makes `gate` the connection's write gate (`openDatabase` does, when given a shared one). */
export function useWriteGate(db: Database, gate: WriteGate): void {
  gates.set(db, gate);
}
