import { randomUUID } from 'node:crypto';
import { EventStore, StreamVersionConflictError } from '@onestop/event-store';

interface LeaseClaim {
  holder: string;
  until: string;
}

/**
 * A lease held in the event store itself (stream `lease-<name>`), so it works across hosts on
 * either store: a claim is appended with the expected revision of the last claim, so of two
 * claimants exactly one wins. The holder renews well before expiry; a publisher that cannot
 * renew stops delivering before its lease can pass to another.
 */
export class PublisherLease {
  readonly holder = randomUUID();
  private heldUntil = 0;

  constructor(
    private readonly store: EventStore,
    readonly name: string,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  private get stream(): string {
    return `lease-${this.name}`;
  }

  /** Whether this instance holds the lease now (with a safety margin of a fifth of the ttl). */
  get held(): boolean {
    return this.now() < this.heldUntil - this.ttlMs / 5;
  }

  /** Renews only when less than half the ttl is left; returns whether the lease is held. */
  async ensure(): Promise<boolean> {
    if (this.now() < this.heldUntil - this.ttlMs / 2) return true;
    return this.claim();
  }

  /** Claims or renews the lease; returns whether this instance holds it afterwards. */
  async claim(): Promise<boolean> {
    const [last] = await this.store.readStream(this.stream, { direction: 'backwards', maxCount: 1 });
    const current = last?.data as unknown as LeaseClaim | undefined;
    const now = this.now();
    if (current && current.holder !== this.holder && Date.parse(current.until) > now) {
      this.heldUntil = 0;
      return false;
    }
    const until = now + this.ttlMs;
    try {
      await this.store.append(this.stream, [{ id: randomUUID(), type: 'PublisherLeaseClaimed.v1', data: { holder: this.holder, until: new Date(until).toISOString() } }], {
        expectedRevision: last ? last.revision : 'no_stream',
      });
      this.heldUntil = until;
      return true;
    } catch (error) {
      if (error instanceof StreamVersionConflictError) {
        this.heldUntil = 0;
        return false;
      }
      throw error;
    }
  }

  /** Gives the lease up at once (on a clean stop). */
  async release(): Promise<void> {
    if (!this.held) return;
    const [last] = await this.store.readStream(this.stream, { direction: 'backwards', maxCount: 1 });
    if (!last || (last.data as unknown as LeaseClaim).holder !== this.holder) return;
    await this.store
      .append(this.stream, [{ id: randomUUID(), type: 'PublisherLeaseClaimed.v1', data: { holder: this.holder, until: new Date(0).toISOString() } }], { expectedRevision: last.revision })
      .catch(() => undefined);
    this.heldUntil = 0;
  }
}
