import type { MessageSigner, Outbound } from '@onestop/delivery';
import type { AgencyProfile } from '@onestop/domain';
import type { EventRepository } from '../event-repository';
import type { AgencyPseudonyms } from './agency-pseudonyms';
import type { ConsentLedgers } from './consent-ledgers';
import type { PartnershipState } from './partnership-state';
import type { DecidedDisclosure } from './publisher-audit';
import type { JournalBatch, PublisherJournal } from './publisher-journal';

/**
 * A batch being built: its journal rows, the disclosures as decided, and its messages, each
 * signed as soon as it is queued (`signing`); nothing in it is recorded or released before
 * every signature is there.
 */
export type PendingBatch = JournalBatch & { disclosures: DecidedDisclosure[]; outbound: Outbound[]; signing: Array<Promise<void>> };

/** An empty batch that starts after `position`. */
export function newBatch(position: number): PendingBatch {
  return { outbound: [], signing: [], disclosures: [], retractions: [], retracted: [], summaries: new Map(), position };
}

/**
 * Adds a finished message to the batch and starts signing it (on libuv's thread pool, while the
 * publisher goes on deciding); the batch is flushed only once every signature is there.
 */
export function queueSigned(pending: PendingBatch, outbound: Outbound, signer: MessageSigner): void {
  pending.outbound.push(outbound);
  const signing = signer.sign(outbound.message).then((signed) => {
    outbound.message = signed;
  });
  // Awaited by the flush; a batch abandoned before it (a failed step) must not leave a rejection unhandled.
  signing.catch(() => undefined);
  pending.signing.push(signing);
}

/**
 * What deciding disclosures and retractions needs from the publisher: its stores, and its
 * state as folded so far (`partnership()`, read at each call since a resume replaces it).
 */
export interface PublisherScope {
  source: string;
  repository: EventRepository;
  journal: PublisherJournal;
  ledgers: ConsentLedgers;
  pseudonyms: AgencyPseudonyms;
  partnership(): PartnershipState;
  /** The agencies this publisher delivers to, in id order. */
  served(): readonly AgencyProfile[];
  /** Whether this publisher delivers to the agency (each agency has exactly one publisher). */
  serves(agencyId: string): boolean;
  /** Queues a message in the batch and starts signing it. */
  queue(pending: PendingBatch, outbound: Outbound): void;
}
