import { HubCloudEvent } from './cloud-event';

/** One message for one agency. */
export interface Outbound {
  agencyId: string;
  /** The agency's pseudonym for the person: the partition key that keeps one person's messages in order. */
  key: string;
  message: HubCloudEvent;
  /**
   * The person's current filtered summary for the agency (Kafka's compacted `people` topic):
   * an object to replace it, `null` for a tombstone when the basis for holding it ended,
   * absent when unchanged.
   */
  summary?: Record<string, unknown> | null;
}

/**
 * The delivery port: how the publisher hands messages to agencies. Rules every adapter holds
 * (checked by the shared contract suite in `libs/delivery/testing`):
 * - `deliver` resolves only once every message of the batch is durable; if it rejects, the
 *   publisher does not advance its checkpoint and delivers the batch again.
 * - Messages for one agency and one key arrive in the order given.
 * - Delivering a message id twice is harmless: the id is unchanged, so consumers dedupe.
 * - An agency only ever receives messages addressed to it.
 */
export interface Delivery {
  readonly name: string;
  deliver(batch: readonly Outbound[]): Promise<void>;
  close(): Promise<void>;
}

/** A page of an agency's feed. */
export interface FeedPage {
  messages: HubCloudEvent[];
  /** Pass as `after` to continue; unchanged when nothing new. */
  cursor: string;
}
