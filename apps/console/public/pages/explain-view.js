import { dataView } from '../lib/data-view.js';
import { h, table } from '../lib/dom.js';
import { categoryLabel, date, dateTime, listOf, words } from '../lib/format.js';

/**
 * The hub's explanation of what an agency could see at a moment: per category, per purpose,
 * permitted or not and why; then the agreements and consents in force then, and notes.
 */

const answerTag = (permitted) => h('strong', { class: `tag tag--${permitted ? 'yes' : 'no'}` }, permitted ? 'Yes – permitted' : 'No – not permitted');

/** "Why" for one category: each purpose's answer, or the single explanation. */
function why(row) {
  if (!Array.isArray(row.purposes)) return row.explanation ?? '';
  if (row.purposes.length === 1) return row.purposes[0].explanation ?? '';
  return h(
    'ul',
    { class: 'plain-list' },
    row.purposes.map((p) => h('li', {}, h('span', { class: 'strong' }, `${words(p.purpose)}: `), p.permitted ? 'yes, ' : 'no, ', p.explanation ?? '')),
  );
}

export function explanationView(body, agencyName) {
  const rows = Array.isArray(body?.categories) ? body.categories : undefined;
  if (!rows || !rows.every((r) => r && 'category' in r && 'permitted' in r)) return dataView(body, 'Explanation');
  const { agreementsInForce, consents, notes, breakGlass } = body;
  const shown = new Set(['categories', 'agreementsInForce', 'consents', 'notes', 'breakGlass', 'personId', 'agencyId', 'agencyKind', 'at']);
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !shown.has(k)));
  return [
    h('p', {}, `What ${agencyName} could see${body.at ? ` at ${dateTime(body.at)}` : ''}, and why, category by category.`),
    table('Explanation by category', ['Category', 'Could see it?', 'Why'], rows.map((r) => [categoryLabel(r.category), answerTag(r.permitted), why(r)]), { rowHeaders: true }),
    Array.isArray(breakGlass) && breakGlass.length > 0
      ? table('Break-glass access open then', ['Opened', 'Until', 'By', 'Basis'], breakGlass.map((g) => [dateTime(g.openedAt), dateTime(g.until), g.actor ?? '', words(g.basis ?? '')]))
      : null,
    Array.isArray(agreementsInForce)
      ? agreementsInForce.length === 0
        ? h('p', {}, 'No agreement was in force then.')
        : table('Agreements in force then', ['Agreement', 'Version', 'Effective from', 'Review date'], agreementsInForce.map((a) => [a.agreementId, `v${a.version}`, date(a.effectiveFrom), date(a.reviewDate)]), { rowHeaders: true })
      : null,
    Array.isArray(consents)
      ? consents.length === 0
        ? h('p', {}, 'The person had given no consent by then.')
        : table('The person\'s consents then', ['Status', 'Shared with', 'Information', 'Purposes', 'From', 'Until'], consents.map(consentCells))
      : null,
    Array.isArray(notes) && notes.length > 0 ? h('div', {}, h('h3', {}, 'Notes'), h('ul', {}, notes.map((n) => h('li', {}, String(n))))) : null,
    Object.keys(rest).length > 0 ? dataView(rest, 'Explanation') : null,
  ];
}

function consentCells(c) {
  const s = c.scope ?? {};
  const recipients = [...(s.recipients?.agencies ?? []), ...(s.recipients?.kinds ?? []).map((k) => `any ${words(k)} agency`)];
  return [words(c.status ?? ''), listOf(recipients), listOf((s.categories ?? []).map(categoryLabel)), listOf((s.purposes ?? []).map(words)), date(c.validFrom), c.validUntil ? date(c.validUntil) : 'No end date'];
}
