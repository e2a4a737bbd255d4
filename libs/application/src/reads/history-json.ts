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
 * 8 KB pool (a kept slice would keep its neighbours' bytes, other people's data, alive with it)
 * and encodes a string holding any character beyond ASCII (a name with an accent, a dash) five
 * times slower than `TextEncoder`: 3.1 against 0.6 ms for a history of 700 KB.
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
    if (run.length > 0) segments.push(bytesOf(JSON.stringify(run).slice(1, -1)));
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

/** Bodies kept for reading again, 16 MB by default: about twenty histories of 1,000 events. */
export const DEFAULT_HISTORY_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The last body of each reader's history of a person, sent again while the history is made of
 * the very same events: an event as shown is frozen once decided (it has a memo), so the same
 * objects make the same bytes, and a caseworker reading a record again costs neither its
 * assembly nor a copy of most of a megabyte. Keyed by pseudonym (one per agency and person) and
 * purpose; the events are named by their memos' serial numbers, not held, so that what is kept
 * is the bytes and eight more per event, bounded in all, the least recently sent dropped first.
 * Emptied at the first read after anyone is erased (`erasures` moves), and never filled by a read
 * during which someone was, so that no erased person's data stays in memory. A history shown under
 * a break-glass grant, or with an event that has no memo, is made afresh every time.
 */
export class HistoryBodies {
  private readonly kept = new Map<string, { serials: Float64Array; body: Buffer }>();
  private bytes = 0;
  private erasures?: number;

  constructor(private readonly maxBytes = DEFAULT_HISTORY_BODY_BYTES) {}

  /**
   * `historyJson(view)`, kept. `erasures` is the key store's count of erasures when the view's
   * events were read (`whenRead`) and now (`now`).
   */
  json(view: HistoryView, erasures: { whenRead: number; now: number }): Buffer {
    if (erasures.now !== this.erasures) {
      this.kept.clear();
      this.bytes = 0;
      this.erasures = erasures.now;
    }
    if (view.breakGlass !== undefined || erasures.whenRead !== erasures.now) return historyJson(view);
    const serials = serialsOf(view.events);
    if (!serials) return historyJson(view);
    const key = `${view.pseudonym}\u0000${view.purpose}`;
    const last = this.kept.get(key);
    this.kept.delete(key);
    if (last && sameSerials(last.serials, serials)) {
      this.kept.set(key, last);
      return last.body;
    }
    if (last) this.bytes -= sizeOf(last);
    const body = historyJson(view);
    const entry = { serials, body };
    if (sizeOf(entry) > this.maxBytes) return body;
    this.kept.set(key, entry);
    this.bytes += sizeOf(entry);
    for (const [oldest, dropped] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.bytes -= sizeOf(dropped);
    }
    return body;
  }

  /** Bytes kept now. */
  get size(): number {
    return this.bytes;
  }
}

/** The serial numbers of the events' memos, or undefined when one has none. */
function serialsOf(events: readonly VisibleEvent[]): Float64Array | undefined {
  const serials = new Float64Array(events.length);
  for (let i = 0; i < events.length; i += 1) {
    const memo = memoOf(events[i]);
    if (!memo) return undefined;
    serials[i] = memo.serial;
  }
  return serials;
}

const sameSerials = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((serial, i) => serial === b[i]);
const sizeOf = (entry: { serials: Float64Array; body: Buffer }): number => entry.body.length + entry.serials.byteLength;
