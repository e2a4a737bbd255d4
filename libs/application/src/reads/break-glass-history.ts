import { isSubjectEventType } from '@onestop/domain';
import { eventAsShown, PersonReader, VisibleEvent } from './person-reader';

/** Events that are the record's own bookkeeping, not about the person's circumstances. */
const BOOKKEEPING = new Set(['BreakGlassOpened.v1', 'BreakGlassReviewed.v1', 'PersonErased.v1']);

/**
 * The person's whole history as a break-glass grant shows it: every event about them, every field,
 * on the basis `vital-interests`. Only for a grant in force; every read of it is audited as such.
 */
export async function breakGlassHistory(reader: PersonReader, personId: string, grantId: string): Promise<VisibleEvent[]> {
  const events = await reader.events(personId);
  return events
    .filter((e) => isSubjectEventType(e.type) && !BOOKKEEPING.has(e.type))
    .map((e) => eventAsShown(e, e.data as Record<string, unknown>, 'vital-interests', { kind: 'break-glass', grantId, basis: 'vital-interests' }));
}
