import { isInsideDelivery, runDelivery } from '../delivery-context';
import type { RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';

export interface SqliteSubscriptionSettings {
  pageSize: number;
  pollIntervalMs: number;
  readAfter(position: number, limit: number): RecordedEvent[];
  onEnd(subscription: SqliteSubscription): void;
}

/**
 * Reads pages after the last delivered position and hands each event to `onEvent`, awaiting
 * it. Once a page comes back short the subscription is caught up and waits, woken at once by
 * `notify()` (an append through the same adapter) or by the poll timer (an append through any
 * other connection to the file). It only ever reads forward from the last position it delivered,
 * so it neither skips nor repeats one.
 */
export class SqliteSubscription implements Subscription {
  private stopped = false;
  private notified = false;
  private wake?: () => void;
  private readonly done: Promise<void>;

  constructor(
    private readonly options: SubscribeOptions,
    private readonly settings: SqliteSubscriptionSettings,
  ) {
    this.done = this.run().finally(() => settings.onEnd(this));
  }

  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (!isInsideDelivery(this)) await this.done;
  }

  private async run(): Promise<void> {
    const { pageSize, readAfter } = this.settings;
    let last = this.options.fromPosition ?? 0;
    let caughtUp = false;
    await Promise.resolve();
    try {
      while (!this.stopped) {
        this.notified = false;
        const page = readAfter(last, pageSize);
        for (const event of page) {
          if (this.stopped) return;
          await runDelivery(this, () => this.options.onEvent(event));
          last = event.position;
        }
        if (page.length === pageSize || this.stopped) continue;
        if (!caughtUp) {
          caughtUp = true;
          runDelivery(this, () => this.options.onCaughtUp?.());
        }
        if (!this.notified) await this.sleep();
      }
    } catch (error) {
      this.stopped = true;
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), this.settings.pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
