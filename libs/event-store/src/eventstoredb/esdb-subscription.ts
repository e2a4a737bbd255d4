import {
  excludeSystemEvents,
  START,
  type AllStreamRecordedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import { isInsideDelivery, runDelivery } from '../delivery-context';
import { StoreUnavailableError } from '../errors';
import type { SubscribeOptions, Subscription } from '../event-store.port';
import { isTransientEsdbError, translateEsdbError } from './esdb-errors';
import { isSystemEvent, toLogPosition, toRecordedEvent } from './esdb-mapping';

export interface ReconnectPolicy {
  /** Pause before the first reconnection; doubled on each failed attempt. Default 100 ms. */
  initialDelayMs: number;
  /** Longest pause between attempts. Default 5 s. */
  maxDelayMs: number;
  /** Consecutive failed attempts before giving up through `onError`. Default: never give up. */
  maxAttempts: number;
}

/** A failure of the subscriber's own callback: it ends the subscription, it is never retried. */
class DeliveryFailure {
  constructor(readonly error: Error) {}
}

/**
 * A catch-up subscription to `$all` with the server-side filter that leaves out system events.
 * After a dropped connection it waits (exponential back-off) and subscribes again from the last
 * log position it handed over, or from a later checkpoint the server reported once everything
 * before it was handed over; events at or before the last handed-over position are skipped, so a
 * reconnection neither loses nor repeats a position.
 */
export class EsdbSubscription implements Subscription {
  private stopped = false;
  private lastSeen?: bigint;
  private resumeFrom?: Position;
  private caughtUpSignalled = false;
  private current?: AllStreamSubscription;
  private wakeFromBackoff?: () => void;
  private readonly done: Promise<void>;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly reconnect: ReconnectPolicy,
    onEnd: (subscription: EsdbSubscription) => void,
  ) {
    const from = options.fromPosition;
    this.lastSeen = from === undefined ? undefined : BigInt(from);
    this.resumeFrom = from === undefined ? undefined : toLogPosition(from);
    this.done = this.run().finally(() => onEnd(this));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeFromBackoff?.();
    this.current?.destroy();
    if (!isInsideDelivery(this)) await this.done;
  }

  private async run(): Promise<void> {
    await Promise.resolve();
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.follow(() => (failures = 0));
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof DeliveryFailure) return this.fail(error.error);
        if (!isTransientEsdbError(error)) return this.fail(translateEsdbError(error, 'subscription to $all'));
      }
      if (this.stopped) return;
      failures += 1;
      if (failures > this.reconnect.maxAttempts) {
        return this.fail(new StoreUnavailableError(`subscription to $all lost after ${failures - 1} reconnection attempts`));
      }
      await this.backOff(failures);
    }
  }

  /**
   * Follows one server subscription until it ends or fails. A caught-up or checkpoint message
   * arrives after the events before it were queued in the client's stream but maybe before they
   * were handed over; `read + readableLength` is how many events precede the message, so it takes
   * effect once that many have been handled.
   */
  private async follow(onProgress: () => void): Promise<void> {
    let read = 0;
    let handled = 0;
    let caughtUpAfter: number | undefined;
    const checkpoints: { after: number; position: Position }[] = [];
    const subscription = this.client.subscribeToAll({
      fromPosition: this.resumeFrom ?? START,
      filter: excludeSystemEvents({
        checkpointReached: (_, position) => {
          checkpoints.push({ after: read + subscription.readableLength, position });
        },
      }),
    });
    this.current = subscription;
    subscription.on('error', () => undefined);
    const settle = (): void => {
      while (checkpoints.length > 0 && checkpoints[0].after <= handled) this.checkpoint(checkpoints.shift()!.position);
      if (caughtUpAfter !== undefined && caughtUpAfter <= handled) this.signalCaughtUp();
    };
    subscription.on('confirmation', onProgress);
    subscription.on('caughtUp', () => {
      caughtUpAfter = read + subscription.readableLength;
      settle();
    });
    try {
      for await (const resolved of subscription) {
        if (this.stopped) return;
        read += 1;
        onProgress();
        if (resolved.event) await this.handle(resolved.event);
        handled += 1;
        settle();
        if (this.stopped) return;
      }
    } finally {
      this.current = undefined;
      subscription.removeAllListeners('caughtUp');
      subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
  }

  private async handle(event: AllStreamRecordedEvent): Promise<void> {
    const commit = event.position.commit;
    if (this.lastSeen !== undefined && commit <= this.lastSeen) return;
    if (!isSystemEvent(event)) {
      const recorded = toRecordedEvent(event);
      try {
        await runDelivery(this, () => this.options.onEvent(recorded));
      } catch (error) {
        throw new DeliveryFailure(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.lastSeen = commit;
    this.resumeFrom = event.position;
  }

  private checkpoint(position: Position): void {
    if (!this.resumeFrom || position.commit > this.resumeFrom.commit) this.resumeFrom = position;
  }

  private signalCaughtUp(): void {
    if (this.caughtUpSignalled || this.stopped) return;
    this.caughtUpSignalled = true;
    try {
      runDelivery(this, () => this.options.onCaughtUp?.());
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private fail(error: Error): void {
    this.stopped = true;
    this.current?.destroy();
    this.options.onError?.(error);
  }

  private backOff(failures: number): Promise<void> {
    const { initialDelayMs, maxDelayMs } = this.reconnect;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures - 1, 30));
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wakeFromBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
