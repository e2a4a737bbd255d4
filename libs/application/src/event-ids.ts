import { randomFillSync } from 'node:crypto';

const bytes = Buffer.alloc(16);
let lastMs = -1;
let counter = 0;

/**
 * A new event id: a UUID version 7 (RFC 9562), the millisecond it was made followed by a
 * 12-bit counter and 62 random bits. Ids made by one process only ever increase (the counter
 * orders those of one millisecond; a clock stepping back is ignored), so every index keyed by
 * event id — the store's, the feeds', the disclosure record's — takes new ids at its end instead
 * of at a random page, which keeps each commit to a few pages as the tables grow. Ids from
 * different processes stay unique through the random bits. The time in an id tells an agency
 * nothing its message's `time` does not.
 */
export function newEventId(now: number = Date.now()): string {
  randomFillSync(bytes);
  if (now > lastMs) {
    lastMs = now;
    counter = bytes.readUInt16BE(6) & 0x07ff; // a random start leaving room to count up within the millisecond
  } else if (counter < 0x0fff) {
    counter += 1;
  } else {
    lastMs += 1; // 4,096 ids in one millisecond: borrow the next one (RFC 9562, 6.2 method 1)
    counter = 0;
  }
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes.writeUInt16BE(0x7000 | counter, 6);
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
