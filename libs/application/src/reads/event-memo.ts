import type { Shown } from '../audit/access-records';
import type { VisibleEvent } from './person-reader';

/** What is worked out once about an event that readers share between reads. */
export interface EventMemo {
  /** A number no other memo in the process has: names the event without holding it. */
  readonly serial: number;
  /** Of an opened event: its last decision for a reader, for which viewer and grounds (`PersonReader`). */
  decided?: { context: string; visible: VisibleEvent | undefined };
  /** Of an event as shown: whether it was sent before, and its JSON as UTF-8 once sent again. */
  sent?: boolean;
  json?: Buffer;
  /** Of an event as shown: the fields and categories it shows. */
  shown?: Shown;
}

const MEMO = Symbol('event memo');
let memos = 0;

/**
 * Gives an event a memo, kept on the event itself but hidden (a non-enumerable symbol: not in
 * its JSON, its keys or a spread copy), so that no table has to look it up. Only for an event
 * frozen through right after, so that nothing remembered can go stale.
 */
export function withMemo<T extends object>(event: T): T {
  memos += 1;
  return Object.defineProperty(event, MEMO, { value: { serial: memos } });
}

/** The event's memo, if it has one. */
export function memoOf(event: object): EventMemo | undefined {
  return (event as { [MEMO]?: EventMemo })[MEMO];
}
