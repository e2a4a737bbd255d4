import { eventAsShown, HubRuntime, PersonReader, shownBy, summarise, VisibleEvent } from '@onestop/application';
import { AuditKind, AuditRecord } from '@onestop/audit';

/** Every audit record about the person, oldest first. */
function recordsAbout(runtime: HubRuntime, personId: string): AuditRecord[] {
  const all: AuditRecord[] = [];
  for (let after = 0; ; ) {
    const page = runtime.audit.log.query({ personId, afterSeq: after, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    after = page[page.length - 1].seq;
  }
}

const ofKind = (records: AuditRecord[], ...kinds: AuditKind[]) => records.filter((r) => kinds.includes(r.kind));

/**
 * A subject access export: everything the hub holds about the person, decrypted (every event
 * with every field, and the summary they add up to), every disclosure to an agency (what, when,
 * under which agreement, grant and basis; retracted or not), every access to their record, and
 * every break-glass access and erasure-related record. Built from the store and the audit log.
 */
export async function subjectAccessReport(runtime: HubRuntime, reader: PersonReader, personId: string) {
  const events = await reader.events(personId);
  const asSeen: VisibleEvent[] = events.map((e) => eventAsShown(e, e.data as Record<string, unknown>, 'subject-access', { kind: 'own-record' }));
  const records = recordsAbout(runtime, personId);
  const retracted = new Set(ofKind(records, 'retraction').flatMap((r) => ((r.detail?.retractedIds as string[] | undefined) ?? []).map((id) => `${r.agencyId}\u0000${id}`)));
  const summary = summarise(`hub:${personId}`, asSeen, events.filter((e) => e.stream === `person-${personId}`).length - 1);
  return {
    generatedAt: runtime.nowIso(),
    personId,
    summary,
    events: events.map((e) => ({
      eventId: e.id,
      type: e.type,
      occurredAt: e.metadata.occurredAt,
      recordedBy: e.metadata.recordedBy,
      recordedByUser: e.metadata.actor,
      purpose: e.metadata.purpose,
      data: e.data,
    })),
    disclosures: ofKind(records, 'disclosure').map((r) => ({
      at: r.at,
      agencyId: r.agencyId,
      pseudonym: runtime.pseudonymizer.pseudonym(r.agencyId ?? '', personId),
      eventId: r.detail?.eventId,
      eventType: r.detail?.eventType,
      purpose: r.purpose,
      categories: r.categories,
      fields: r.fields,
      basis: r.detail?.basis,
      agreementId: r.detail?.agreementId,
      agreementVersion: r.detail?.agreementVersion,
      grant: r.detail?.grant,
      consentId: r.detail?.consentId,
      retracted: retracted.has(`${r.agencyId}\u0000${String(r.detail?.messageId)}`),
    })),
    retractions: ofKind(records, 'retraction', 'retraction-ack').map((r) => ({ at: r.at, kind: r.kind, agencyId: r.agencyId, reason: r.detail?.reason, retractionId: r.detail?.messageId })),
    accesses: ofKind(records, 'access').map((r) => ({
      at: r.at,
      agencyId: r.agencyId,
      user: r.actor,
      roles: r.roles,
      purpose: r.purpose,
      action: r.detail?.action,
      categories: r.categories,
      fields: r.fields,
      breakGlass: r.detail?.breakGlass === true,
    })),
    breakGlass: ofKind(records, 'break-glass', 'break-glass-review').map((r) => ({ at: r.at, kind: r.kind, agencyId: r.agencyId, user: r.actor, grantId: r.detail?.grantId, until: r.detail?.until, outcome: r.detail?.outcome })),
    shown: shownBy(asSeen),
  };
}

/** The subject access export (JSON); `renderSubjectAccessHtml` prints the same. */
export type SubjectAccessReport = Awaited<ReturnType<typeof subjectAccessReport>>;
