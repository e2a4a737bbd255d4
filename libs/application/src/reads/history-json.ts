import { memoOf } from './event-memo';
import type { VisibleEvent } from './person-reader';

/** The body of a history read, in the order of its keys. */
export interface HistoryView {
  pseudonym: string;
  purpose: string;
  events: readonly VisibleEvent[];
  breakGlass?: Record<string, unknown>;
}

/** The event's JSON: made once for an event a reader shares between reads (it has a memo). */
function jsonOf(event: VisibleEvent): Buffer {
  const memo = memoOf(event);
  if (!memo) return Buffer.from(JSON.stringify(event));
  return (memo.json ??= Buffer.from(JSON.stringify(event)));
}

/**
 * `JSON.stringify(view)`, byte for byte, as UTF-8: a thousand events of a person's history are
 * most of a megabyte, and serialising and encoding them again on every read of the person cost
 * as much as deciding them. Events already serialised are copied, not serialised again.
 */
export function historyJson(view: HistoryView): Buffer {
  const parts: Buffer[] = [Buffer.from(`{"pseudonym":${JSON.stringify(view.pseudonym)},"purpose":${JSON.stringify(view.purpose)},"events":[`)];
  const comma = Buffer.from(',');
  view.events.forEach((event, i) => {
    if (i > 0) parts.push(comma);
    parts.push(jsonOf(event));
  });
  parts.push(Buffer.from(view.breakGlass === undefined ? ']}' : `],"breakGlass":${JSON.stringify(view.breakGlass)}}`));
  return Buffer.concat(parts);
}
