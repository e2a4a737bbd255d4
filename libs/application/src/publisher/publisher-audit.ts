import type { AuditInput, AuditLog } from '@onestop/audit';
import type { Outbound } from '@onestop/delivery';
import type { JournalBatch } from './publisher-journal';

/** The publisher's actor name in audit records. */
export const PUBLISHER_ACTOR = 'hub-publisher';

const key = (agencyId: string, messageId: string) => `${agencyId}\u0000${messageId}`;

/**
 * The audit records of one batch: one `disclosure` per message released (event id, agency,
 * fields, categories, and the basis, agreement version, grant and consent of the message) and one
 * `retraction` per retraction (with whether the agency's summary became a tombstone). Each is
 * keyed by agency and message id, so a redelivered or rebuilt batch records nothing twice.
 */
export function releaseRecords(batch: JournalBatch & { outbound: readonly Outbound[] }, at: string): AuditInput[] {
  const messages = new Map(batch.outbound.map((o) => [key(o.agencyId, o.message.id), o.message]));
  const disclosures = batch.disclosures.map((d): AuditInput => {
    const m = messages.get(key(d.agency_id, d.message_id));
    const grounds = JSON.parse(d.grounds) as Record<string, unknown>;
    return {
      kind: 'disclosure',
      at,
      agencyId: d.agency_id,
      actor: PUBLISHER_ACTOR,
      purpose: d.purpose,
      personId: d.person_id,
      categories: Object.keys(grounds).sort(),
      fields: JSON.parse(d.fields) as string[],
      ref: `disclosure:${d.agency_id}:${d.message_id}`,
      detail: {
        eventId: d.event_id,
        eventType: d.event_type,
        messageId: d.message_id,
        position: d.position,
        decidedAt: d.disclosed_at,
        basis: m?.lawfulbasis,
        agreementId: m?.agreementid,
        agreementVersion: m?.agreementversion,
        grant: m?.grant,
        ...(m?.consentid ? { consentId: m.consentid } : {}),
        grounds,
      },
    };
  });
  const retractions = batch.retractions.map(
    (r): AuditInput => ({
      kind: 'retraction',
      at,
      agencyId: r.agency_id,
      actor: PUBLISHER_ACTOR,
      personId: r.person_id,
      ref: `retraction:${r.agency_id}:${r.message_id}`,
      detail: {
        messageId: r.message_id,
        reason: r.reason,
        causeEventId: r.cause_event_id,
        retractedIds: JSON.parse(r.retracted_ids) as string[],
        tombstone: batch.summaries.get(`${r.agency_id}\u0000${r.person_id}`)?.summary === null,
      },
    }),
  );
  return [...disclosures, ...retractions];
}

/**
 * Writes a batch's audit records before anything in it is released, in one transaction: when they
 * cannot be written the batch is not delivered (the publisher retries it), and a retry records
 * nothing twice.
 */
export function recordBeforeRelease(audit: AuditLog | undefined, batch: JournalBatch & { outbound: readonly Outbound[] }, at: string): void {
  if (!audit || (batch.disclosures.length === 0 && batch.retractions.length === 0)) return;
  audit.append(releaseRecords(batch, at));
}
