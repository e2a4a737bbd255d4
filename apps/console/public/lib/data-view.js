import { h, summaryList, table } from './dom.js';
import { dateTime, words } from './format.js';

/**
 * Shows a JSON answer whose exact shape the console does not know in advance (the audit APIs):
 * lists of records become tables, objects become term/description lists, and every value is
 * shown as text.
 */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const isRecordList = (v) => Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && !Array.isArray(x));

/** One value as short text. */
export function textOf(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return ISO.test(value) ? `${dateTime(value)} (${value})` : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(textOf).join(', ');
  return Object.entries(value)
    .map(([k, v]) => `${words(k)}: ${textOf(v)}`)
    .join('; ');
}

/** A table of records: one column per key (in first-seen order). */
export function recordTable(caption, records) {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return table(
    caption,
    keys.map(words),
    records.map((r) => keys.map((k) => textOf(r[k]))),
  );
}

/** Any JSON value, as readable as the console can make it. */
export function dataView(value, caption = 'Result') {
  if (isRecordList(value)) return recordTable(caption, value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return h('p', {}, textOf(value));
  const scalars = Object.entries(value).filter(([, v]) => !isRecordList(v));
  const lists = Object.entries(value).filter(([, v]) => isRecordList(v));
  return h(
    'div',
    { class: 'data-view' },
    scalars.length > 0 ? summaryList(scalars.map(([k, v]) => [words(k), textOf(v)])) : null,
    lists.map(([k, v]) => recordTable(`${caption}: ${words(k)}`, v)),
  );
}

/** True when an answer is an empty list, or an object whose lists are all empty. */
export function isEmptyList(body) {
  if (Array.isArray(body)) return body.length === 0;
  const lists = body && typeof body === 'object' ? Object.values(body).filter(Array.isArray) : [];
  return lists.length > 0 && lists.every((a) => a.length === 0);
}
