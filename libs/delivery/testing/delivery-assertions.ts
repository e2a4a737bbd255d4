import { canonicalJson, type HubCloudEvent, type Outbound } from '@onestop/delivery';

/** Ids in order of first appearance, grouped by subject (the agency's key for the person). */
export function firstIdsBySubject(messages: readonly HubCloudEvent[]): Record<string, string[]> {
  const seen = new Set<string>();
  const bySubject: Record<string, string[]> = {};
  for (const m of messages) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    (bySubject[m.subject] ??= []).push(m.id);
  }
  return bySubject;
}

/**
 * What one agency received is exactly what was sent to it, at least once:
 * - nothing that was not addressed to it (no other agency's message, nothing invented);
 * - every message it was sent, byte-for-byte as sent (same canonical JSON, so signatures hold);
 * - repeats only of an id already received, with identical content;
 * - per person (subject), first appearances in the order sent.
 */
export function expectDelivered(received: readonly HubCloudEvent[], sent: readonly Outbound[]): void {
  const sentById = new Map(sent.map((o) => [o.message.id, canonicalJson(o.message)]));
  const strangers = received.filter((m) => !sentById.has(m.id)).map((m) => m.id);
  expect(strangers).toEqual([]);
  const altered = received.filter((m) => canonicalJson(m) !== sentById.get(m.id)).map((m) => m.id);
  expect(altered).toEqual([]);
  const receivedIds = new Set(received.map((m) => m.id));
  const missing = [...sentById.keys()].filter((id) => !receivedIds.has(id));
  expect(missing).toEqual([]);
  expect(firstIdsBySubject(received)).toEqual(firstIdsBySubject(sent.map((o) => o.message)));
}

/** The outbound messages addressed to one agency, in the order sent. */
export function sentTo(agencyId: string, ...batches: ReadonlyArray<readonly Outbound[]>): Outbound[] {
  return batches.flat().filter((o) => o.agencyId === agencyId);
}
