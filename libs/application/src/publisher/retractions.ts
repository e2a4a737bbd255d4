import { AgreementVersion, ConsentLedger } from '@onestop/domain';
import { RetractionData } from '@onestop/delivery';
import { DecidableEvent, decide } from '@onestop/policy';
import { OpenedEvent } from '../event-repository';
import { applyToSummary, emptySummary, PersonSummary } from '../reads/person-summary';
import { lostBasis } from './lost-basis';
import { retractionMessage } from './message-builder';
import { PendingBatch, PublisherScope } from './publisher-batch';
import { DisclosureRow } from './publisher-journal';

/**
 * The publisher's retractions: when the basis of what an agency holds ends (a consent withdrawn
 * or expired, an agreement's grant changed, the person erased), one retraction per agency names
 * the messages it must delete, with the summary of the person it may still hold (or a tombstone).
 */
export class Retractions {
  constructor(private readonly scope: PublisherScope) {}

  /** After a consent is withdrawn or expires: what was disclosed under it and has no other basis now. */
  async forConsentEnd(cause: OpenedEvent, personId: string, consents: ConsentLedger, pending: PendingBatch): Promise<void> {
    const consentId = (cause.data as { consentId: string }).consentId;
    const held = this.scope.journal.held(personId).filter((r) => r.consent_based === 1);
    const lost = lostBasis(held, this.context(), consents, cause.metadata.occurredAt, (g) => g.kind === 'grant' && g.consentId === consentId);
    const reason = cause.type === 'ConsentExpired.v1' ? 'consent-expired' : 'consent-withdrawn';
    await this.retract(cause, personId, lost, reason, consents, pending);
  }

  /** After a new agreement version: what was disclosed under the agreement and its new version no longer grants. */
  async forAgreement(version: AgreementVersion, cause: OpenedEvent, pending: PendingBatch): Promise<void> {
    const at = Date.parse(version.effectiveFrom) > Date.parse(cause.metadata.occurredAt) ? version.effectiveFrom : cause.metadata.occurredAt;
    const { journal, ledgers } = this.scope;
    for (const personId of journal.peopleHeldUnder(version.agreementId)) {
      const consents = await ledgers.before(personId, cause.position);
      const lost = lostBasis(journal.held(personId), this.context(), consents, at, (g) => g.kind === 'grant' && g.agreementId === version.agreementId);
      await this.retract(cause, personId, lost, 'agreement-changed', consents, pending);
    }
  }

  /** After the person is erased: everything any agency holds of them. */
  async forErasure(cause: OpenedEvent, personId: string, consents: ConsentLedger, pending: PendingBatch): Promise<void> {
    await this.retract(cause, personId, this.scope.journal.held(personId), 'person-erased', consents, pending);
  }

  private context() {
    const partnership = this.scope.partnership();
    return { agencies: partnership.agencies, agreements: partnership.agreements };
  }

  /** Queues one retraction per agency served for the lost disclosures, and that agency's new summary. */
  private async retract(cause: OpenedEvent, personId: string, lost: DisclosureRow[], reason: RetractionData['reason'], consents: ConsentLedger, pending: PendingBatch): Promise<void> {
    const byAgency = new Map<string, DisclosureRow[]>();
    lost.filter((r) => this.scope.serves(r.agency_id)).forEach((r) => byAgency.set(r.agency_id, [...(byAgency.get(r.agency_id) ?? []), r]));
    for (const [agencyId, rows] of byAgency) {
      const pseudonym = this.scope.pseudonyms.of(agencyId, personId);
      const data: RetractionData = { retractedIds: rows.map((r) => r.message_id), reason, causeId: cause.id };
      const message = retractionMessage(this.scope.source, agencyId, cause, pseudonym, data);
      const summary = await this.summaryAfter(agencyId, personId, new Set(data.retractedIds), consents, cause.metadata.occurredAt, pseudonym);
      this.scope.queue(pending, { agencyId, key: pseudonym, message: message as never, summary: summary as unknown as Record<string, unknown> | null });
      pending.retractions.push({
        message_id: message.id,
        agency_id: agencyId,
        person_id: personId,
        cause_event_id: cause.id,
        reason,
        retracted_ids: JSON.stringify(data.retractedIds),
        created_at: cause.metadata.occurredAt,
      });
      rows.forEach((r) => pending.retracted.push({ agencyId, messageId: r.message_id, by: message.id }));
      pending.summaries.set(`${agencyId}\u0000${personId}`, { agencyId, personId, summary });
    }
  }

  /** What the agency may still hold of the person once `retracted` is gone; null when nothing. */
  private async summaryAfter(agencyId: string, personId: string, retracted: Set<string>, consents: ConsentLedger, at: string, pseudonym: string): Promise<PersonSummary | null> {
    const { journal, repository } = this.scope;
    const partnership = this.scope.partnership();
    const agency = partnership.agencies.get(agencyId);
    const kept = journal.held(personId).filter((r) => r.agency_id === agencyId && !retracted.has(r.message_id));
    if (!agency || kept.length === 0) return null;
    let summary = emptySummary(pseudonym);
    for (const row of kept) {
      const [recorded] = await repository.store.readStream(row.stream, { fromRevision: row.revision, maxCount: 1 });
      if (!recorded) continue;
      const event = repository.open(recorded);
      const decision = decide({ event: event as unknown as DecidableEvent, agency: { agencyId, kind: agency.kind }, agreements: partnership.agreements, consents, at, purpose: event.metadata.purpose });
      if (decision.permit) summary = applyToSummary(summary, { type: event.type, data: decision.data, occurredAt: event.metadata.occurredAt });
    }
    return summary.lastUpdated ? summary : null;
  }
}
