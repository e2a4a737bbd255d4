import { AgencyProfile, AgreementVersion, ConsentLedger } from '@onestop/domain';
import { agreementsInForce, DecidableEvent, decide } from '@onestop/policy';
import { OpenedEvent } from '../event-repository';
import { applyToSummary, emptySummary } from '../reads/person-summary';
import { deterministicId, disclosureMessage } from './message-builder';
import { PendingBatch, PublisherScope } from './publisher-batch';

/**
 * How one disclosure is made: decided at `at` (`inForce`: the agreement versions in force then,
 * worked out once for every agency), under the message id `id`, with `sequence` when not the event's own.
 */
interface DisclosureOptions {
  at: string;
  inForce: readonly AgreementVersion[];
  id: string;
  sequence?: string;
}

/**
 * The publisher's disclosures: each subject event decided for each agency it serves, and what a
 * new consent makes visible of the person's earlier record. A permitted decision becomes the
 * signed message, its journal row (with what was decided, for the audit record) and the
 * agency's new summary of the person, all queued in the batch.
 */
export class Disclosures {
  constructor(private readonly scope: PublisherScope) {}

  /** Decides the event for every agency served, under the agreements in force when it happened. */
  fanOut(event: OpenedEvent, personId: string, consents: ConsentLedger, pending: PendingBatch): void {
    if (event.erased) return;
    const at = event.metadata.occurredAt;
    const options = { at, inForce: agreementsInForce(this.scope.partnership().agreements, at), id: event.id };
    for (const agency of this.scope.served()) this.disclose(event, agency, personId, consents, options, pending);
  }

  /**
   * A new consent makes the person's existing record visible to the agencies it names: each
   * earlier person event the agency now may receive, and does not hold, is disclosed at once
   * (first time under the event's id; again after a retraction under a new id).
   */
  async onConsent(cause: OpenedEvent, personId: string, consents: ConsentLedger, pending: PendingBatch): Promise<void> {
    const consent = consents.get((cause.data as { consentId: string }).consentId);
    if (!consent) return;
    const { journal, repository } = this.scope;
    const earlier = (await repository.readStream(`person-${personId}`)).filter((e) => e.position < cause.position && !e.erased);
    const held = new Set([...journal.held(personId), ...pending.disclosures].map((d) => `${d.agency_id}\u0000${d.event_id}`));
    let backfilled = 0;
    const named = (a: AgencyProfile) => consent.scope.recipients.agencies.includes(a.agencyId) || consent.scope.recipients.kinds.includes(a.kind);
    const at = cause.metadata.occurredAt;
    const inForce = agreementsInForce(this.scope.partnership().agreements, at);
    for (const agency of this.scope.served().filter(named)) {
      for (const event of earlier) {
        if (held.has(`${agency.agencyId}\u0000${event.id}`)) continue;
        const id = journal.everDisclosed(agency.agencyId, event.id) ? deterministicId('redisclosure', event.id, cause.id) : event.id;
        const sequence = `${String(cause.position).padStart(16, '0')}.${String(backfilled + 1).padStart(6, '0')}`;
        if (this.disclose(event, agency, personId, consents, { at, inForce, id, sequence }, pending)) backfilled += 1;
      }
    }
  }

  /**
   * Decides one event for one agency; when permitted, queues the message, disclosure and summary
   * and returns true.
   */
  private disclose(event: OpenedEvent, agency: AgencyProfile, personId: string, consents: ConsentLedger, options: DisclosureOptions, pending: PendingBatch): boolean {
    const { at, id: messageId } = options;
    const decision = decide({
      event: event as unknown as DecidableEvent,
      agency: { agencyId: agency.agencyId, kind: agency.kind },
      agreements: this.scope.partnership().agreements,
      inForce: options.inForce,
      consents,
      at,
      purpose: event.metadata.purpose,
    });
    if (!decision.permit) return false;
    const pseudonym = this.scope.pseudonyms.of(agency.agencyId, personId);
    const message = disclosureMessage(this.scope.source, event, decision, pseudonym);
    message.id = messageId;
    if (options.sequence !== undefined) message.sequence = options.sequence;
    const grounds = decision.grounds;
    pending.disclosures.push({
      message_id: messageId,
      agency_id: agency.agencyId,
      event_id: event.id,
      person_id: personId,
      position: event.position,
      event_type: event.type,
      stream: event.stream,
      revision: event.revision,
      purpose: decision.purpose,
      fields: JSON.stringify(decision.fields),
      grounds: JSON.stringify(grounds),
      consent_based: Object.values(grounds).some((g) => g?.kind === 'grant' && g.consentId) ? 1 : 0,
      disclosed_at: at,
      decided: { fields: decision.fields, grounds, message },
    });
    const key = `${agency.agencyId}\u0000${personId}`;
    const previous = pending.summaries.get(key)?.summary ?? this.scope.journal.summary(agency.agencyId, personId) ?? emptySummary(pseudonym);
    const summary = applyToSummary(previous, { type: event.type, data: decision.data, occurredAt: event.metadata.occurredAt });
    pending.summaries.set(key, { agencyId: agency.agencyId, personId, summary });
    this.scope.queue(pending, { agencyId: agency.agencyId, key: pseudonym, message: message as never, summary: summary as unknown as Record<string, unknown> });
    return true;
  }
}
