import { memoOf } from './event-memo';
import type { VisibleEvent } from './person-reader';

/** The body of a history read, in the order of its keys. */
export interface HistoryView {
  pseudonym: string;
  purpose: string;
  events: readonly VisibleEvent[];
  breakGlass?: Record<string, unknown>;
}

const utf8 = new TextEncoder();

/**
 * JSON as UTF-8 bytes of its own. Not `Buffer.from`, which slices small strings out of a shared
 * 8 KB pool: a kept slice would keep its neighbours' bytes (other people's data) alive with it.
 */
function bytesOf(json: string): Buffer {
  const bytes = utf8.encode(json);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The event's JSON: made once for an event a reader shares between reads (it has a memo). */
function jsonOf(event: VisibleEvent): Buffer {
  const memo = memoOf(event);
  if (!memo) return Buffer.from(JSON.stringify(event));
  return (memo.json ??= bytesOf(JSON.stringify(event)));
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
