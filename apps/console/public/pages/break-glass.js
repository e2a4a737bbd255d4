import { get, post, query } from '../lib/api.js';
import { dataView, isEmptyList } from '../lib/data-view.js';
import { h, notice, valueOf } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { onSubmit, radios, selectField, submitButton, textArea } from '../lib/forms.js';
import { agencyOptions, capabilityPage, resultsArea } from './audit-shell.js';

const isGrant = (g) => g && typeof g === 'object' && 'grantId' in g && 'openedAt' in g;
const STATUSES = [['pending', 'Waiting for review'], ['reviewed', 'Reviewed'], ['all', 'All']];

/** One grant: what was opened, why, what was read under it, and the review (or a form to record it). */
function grantCard(g, names, onReview) {
  const id = `grant-${g.grantId}`;
  const facts = h(
    'dl',
    { class: 'summary-list' },
    [
      ['Agency', names.get(g.agencyId) ?? g.agencyId],
      ['Opened by', g.actor ?? '—'],
      ['Opened', dateTime(g.openedAt)],
      ['Until', `${dateTime(g.until)}${g.active ? ' (still open)' : ''}`],
      ['Reason given', g.reason ?? 'Not available (the person has been erased)'],
      ['Reads under it', g.reads?.length ? g.reads.map((r) => `${dateTime(r.at)}: ${r.action ?? 'read'}`).join('; ') : 'None'],
      ['Person (hub id)', h('a', { href: `#/audit/subject-access${query({ personId: g.personId })}` }, h('code', {}, g.personId))],
    ].map(([t, d]) => h('div', { class: 'summary-list__row' }, h('dt', {}, t), h('dd', {}, d))),
  );
  const review = g.review
    ? h('p', {}, h('strong', { class: `tag tag--${g.review.outcome === 'justified' ? 'yes' : 'no'}` }, g.review.outcome === 'justified' ? 'Justified' : 'Not justified'), ` – reviewed ${dateTime(g.review.reviewedAt)} by ${g.review.reviewedBy ?? 'a DPO'}`)
    : onSubmit(
        h(
          'form',
          { class: 'form', 'aria-label': `Review of the access opened ${dateTime(g.openedAt)}` },
          radios({ name: `outcome-${g.grantId}`, legend: 'Was the access justified?', options: [['justified', 'Justified'], ['not-justified', 'Not justified']] }),
          textArea({ name: `note-${g.grantId}`, label: 'Note (optional)', rows: 2 }),
          submitButton('Record review'),
        ),
        (form) => onReview(g, form),
      );
  return h('section', { class: 'grant', 'aria-labelledby': id }, h('h3', { id }, `Emergency access by ${names.get(g.agencyId) ?? g.agencyId}, ${dateTime(g.openedAt)}`), facts, review);
}

/** Emergency (break-glass) accesses waiting for a DPO to review them, with a form to record each review. */
export async function render(page, ctx) {
  const path = await capabilityPage(page, ctx, {
    key: 'breakGlass',
    title: 'Break-glass reviews',
    lead: 'A caseworker may break the glass to see a person\'s data in an emergency (vital interests, at most 4 hours). Each such access waits here until a data-protection officer has reviewed it.',
  });
  if (!path) return;
  const names = new Map(await agencyOptions(ctx));
  const results = resultsArea('breakGlass', 'Accesses');
  const filter = h('form', { class: 'form form--filters', 'aria-label': 'Which accesses' }, selectField({ name: 'status', label: 'Show', options: STATUSES, value: 'pending' }), submitButton('Show', { secondary: true }));
  const show = async (message) => {
    const body = await get(`${path}${query({ status: valueOf(filter, 'status') })}`, { signal: ctx.signal });
    const grants = body?.grants;
    if (isEmptyList(body)) return results.show(message, h('p', { role: 'status' }, 'Nothing to show.'));
    if (!Array.isArray(grants) || !grants.every(isGrant)) return results.show(message, dataView(body, 'Break-glass accesses'));
    results.show(message, grants.map((g) => grantCard(g, names, review)));
  };
  const review = async (g, form) => {
    const outcome = form.querySelector(`input[name="outcome-${g.grantId}"]:checked`)?.value;
    const note = valueOf(form, `note-${g.grantId}`);
    await post(`${path}/${g.grantId}/review`, { outcome, ...(note ? { note } : {}) }).catch((error) => {
      error.fields = Object.fromEntries(Object.entries(error.fields ?? {}).map(([k, v]) => [`${k}-${g.grantId}`, v]));
      throw error;
    });
    ctx.announce('Review recorded.');
    await show(notice('success', h('p', { role: 'status' }, 'Review recorded.')));
  };
  page.append(onSubmit(filter, () => show()), results.el);
  await show().catch(results.fail);
}
