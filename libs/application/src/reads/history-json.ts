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

/**
 * `JSON.stringify(view)`, byte for byte, as UTF-8: a thousand events of a person's history are
 * most of a megabyte, and serialising and encoding them again on every read of the person cost
 * as much as deciding them. An event a reader shares (it has a memo) is serialised on its own
 * and kept from the second time it is sent, then copied; the others, and those sent for the
 * first time, are serialised together, as one array, so that a first read pays no more than
 * that.
 */
export function historyJson(view: HistoryView): Buffer {
  const segments: Buffer[] = [];
  let run: VisibleEvent[] = [];
  const endRun = () => {
    if (run.length > 0) segments.push(Buffer.from(JSON.stringify(run).slice(1, -1)));
    run = [];
  };
  for (const event of view.events) {
    const memo = memoOf(event);
    if (memo?.sent) {
      endRun();
      segments.push((memo.json ??= bytesOf(JSON.stringify(event))));
      continue;
    }
    if (memo) memo.sent = true;
    run.push(event);
  }
  endRun();
  const parts: Buffer[] = [Buffer.from(`{"pseudonym":${JSON.stringify(view.pseudonym)},"purpose":${JSON.stringify(view.purpose)},"events":[`)];
  segments.forEach((segment, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(segment);
  });
  parts.push(Buffer.from(view.breakGlass === undefined ? ']}' : `],"breakGlass":${JSON.stringify(view.breakGlass)}}`));
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');
