import type { AuditInput, AuditLog } from '@onestop/audit';
import type { HubCloudEvent } from '@onestop/delivery';
import type { Ground } from '@onestop/policy';
import type { DisclosureRow, JournalBatch } from './publisher-journal';

/** The publisher's actor name in audit records. */
export const PUBLISHER_ACTOR = 'hub-publisher';

/**
 * A disclosure of the batch being built, with what was decided for it: its `fields` and
 * `grounds` (the row holds them as JSON) and the message released.
 */
export interface DecidedDisclosure extends DisclosureRow {
  decided: { fields: readonly string[]; grounds: Readonly<Record<string, Ground | undefined>>; message: Omit<HubCloudEvent, 'signature'> };
}

/** What the audit records of a batch are made from. */
export type ReleasedBatch = Omit<JournalBatch, 'disclosures'> & { disclosures: readonly DecidedDisclosure[] };

/**
 * The audit records of one batch: one `disclosure` per message released (event id, agency,
 * fields, categories, and the basis, agreement version, grant and consent of the message) and one
 * `retraction` per retraction (with whether the agency's summary became a tombstone). Each is
 * keyed by agency and message id, so a redelivered or rebuilt batch records nothing twice.
 */
export function releaseRecords(batch: ReleasedBatch, at: string): AuditInput[] {
  const disclosures = batch.disclosures.map((d): AuditInput => {
    const { fields, grounds, message: m } = d.decided;
    return {
      kind: 'disclosure',
      at,
      agencyId: d.agency_id,
      actor: PUBLISHER_ACTOR,
      purpose: d.purpose,
      personId: d.person_id,
      categories: Object.keys(grounds).sort(),
      fields: [...fields],
      ref: `disclosure:${d.agency_id}:${d.message_id}`,
      detail: {
        eventId: d.event_id,
        eventType: d.event_type,
        messageId: d.message_id,
        position: d.position,
        decidedAt: d.disclosed_at,
        basis: m.lawfulbasis,
        agreementId: m.agreementid,
        agreementVersion: m.agreementversion,
        grant: m.grant,
        ...(m.consentid ? { consentId: m.consentid } : {}),
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
export function recordBeforeRelease(audit: AuditLog | undefined, batch: ReleasedBatch, at: string): void {
  if (!audit || (batch.disclosures.length === 0 && batch.retractions.length === 0)) return;
  audit.append(releaseRecords(batch, at));
}
