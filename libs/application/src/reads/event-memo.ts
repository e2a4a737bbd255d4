import type { Shown } from '../audit/access-records';

/** What is worked out once about an event a reader shares between reads: its JSON and what it shows. */
export interface EventMemo {
  json?: Buffer;
  shown?: Shown;
}

const MEMO = Symbol('event memo');

/**
 * Gives an event a memo, kept on the event itself but hidden (a non-enumerable symbol: not in
 * its JSON, its keys or a spread copy), so that no table has to look it up. Only for an event
 * frozen through right after, so that nothing remembered can go stale.
 */
export function withMemo<T extends object>(event: T): T {
  return Object.defineProperty(event, MEMO, { value: {} });
}

/** The event's memo, if it has one. */
export function memoOf(event: object): EventMemo | undefined {
  return (event as { [MEMO]?: EventMemo })[MEMO];
}
