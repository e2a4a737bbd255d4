import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RuntimeOptions } from './hub-runtime';

/** What the publisher thread opens and runs (structured-cloneable: no clock function). */
export interface PublisherThreadSetup {
  runtime: Omit<RuntimeOptions, 'now'>;
  feed: boolean;
  /** Deliver to Kafka too, configured from the environment as the hub is. */
  kafka: boolean;
  lease: { name: string; durationMs: number };
  /** Serve only these agencies; all when absent or empty. */
  agencies?: string[];
  /** The thread's V8 old-generation limit in MB (`HUB_PUBLISHER_HEAP_MB`); V8's default when absent. */
  heapMb?: number;
}

/** Messages to the thread. */
export type ToPublisherThread = { type: 'appended' } | { type: 'wait'; id: number; position: number; timeoutMs: number } | { type: 'stop' };

/** Messages from the thread. */
export type FromPublisherThread =
  | { type: 'ready' }
  | { type: 'reached'; id: number; ok: boolean }
  | { type: 'delivered'; agencyIds: string[] }
  | { type: 'error'; message: string };

/** What the API side is told by the thread. */
export interface PublisherThreadHooks {
  /** New messages are on these agencies' HTTP feeds (wake their server-sent event streams). */
  onDelivered(agencyIds: readonly string[]): void;
  onError(error: Error): void;
}

const RESTART_DELAY_MS = 1000;

/**
 * The publisher on a thread of its own, so that deciding, signing and delivering use the second
 * core instead of the API's event loop, in the same process. The thread opens its own runtime
 * on the same data directory (its own SQLite connection) and runs the very publisher of
 * `HubRuntime.startPublisher`; it is woken by every append made here, and `waitFor` asks it when
 * a position is delivered. A thread that dies is started again after a second: the publisher
 * resumes from its checkpoint, so nothing is lost.
 */
export class PublisherThread {
  private worker!: Worker;
  private alive = false;
  private stopping = false;
  private wakePending = false;
  private nextId = 0;
  private readonly waits = new Map<number, (ok: boolean) => void>();

  private constructor(
    private readonly setup: PublisherThreadSetup,
    private readonly hooks: PublisherThreadHooks,
  ) {}

  /** Starts the thread; resolves once its publisher runs. */
  static async start(setup: PublisherThreadSetup, hooks: PublisherThreadHooks): Promise<PublisherThread> {
    const thread = new PublisherThread(setup, hooks);
    await thread.spawn();
    return thread;
  }

  /** Wakes the publisher (called after an append here): one message for the appends of a turn. */
  notify(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    queueMicrotask(() => {
      this.wakePending = false;
      this.worker.postMessage({ type: 'appended' } satisfies ToPublisherThread);
    });
  }

  /** Resolves true once every event up to `position` is delivered, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs = 5000): Promise<boolean> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      // The thread answers within `timeoutMs`; this timer covers a thread that died meanwhile.
      const timer = setTimeout(() => this.settle(id, false), timeoutMs + 1000);
      this.waits.set(id, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
      this.worker.postMessage({ type: 'wait', id, position, timeoutMs } satisfies ToPublisherThread);
    });
  }

  /** Stops the publisher after the batch in hand and closes the thread's runtime. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage({ type: 'stop' } satisfies ToPublisherThread);
    await exited;
  }

  private spawn(): Promise<void> {
    // `eval` so that the entry resolves to the compiled `.js` in a build and to the `.ts` source
    // under a TypeScript loader the process was started with (inherited by the thread).
    const entry = join(__dirname, 'publisher-worker');
    // A heap limit also keeps V8 from growing the heap to four times the live data (docs/memory.md).
    const resourceLimits = this.setup.heapMb ? { maxOldGenerationSizeMb: this.setup.heapMb } : undefined;
    const worker = new Worker(`require(${JSON.stringify(entry)});`, { eval: true, workerData: this.setup, resourceLimits });
    this.worker = worker;
    this.alive = true;
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromPublisherThread) => {
        if (message.type === 'ready') {
          ready = true;
          resolve();
        } else if (message.type === 'reached') this.settle(message.id, message.ok);
        else if (message.type === 'delivered') this.hooks.onDelivered(message.agencyIds);
        else if (message.type === 'error') this.hooks.onError(new Error(message.message));
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        else this.hooks.onError(error);
      });
      worker.on('exit', (code) => {
        this.alive = false;
        this.settleWaits(false);
        if (!ready) return reject(new Error(`the publisher thread exited with code ${code} before it started`));
        if (this.stopping) return;
        this.hooks.onError(new Error(`the publisher thread exited with code ${code}; starting it again`));
        setTimeout(() => {
          if (!this.stopping) this.spawn().catch((error: Error) => this.hooks.onError(error));
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  private settle(id: number, ok: boolean): void {
    const resolve = this.waits.get(id);
    this.waits.delete(id);
    resolve?.(ok);
  }

  private settleWaits(ok: boolean): void {
    this.waits.forEach((resolve) => resolve(ok));
    this.waits.clear();
  }
}
