import { get, query } from '../lib/api.js';
import { dataView, isEmptyList } from '../lib/data-view.js';
import { h, table, valueOf } from '../lib/dom.js';
import { dateTime, duration, words } from '../lib/format.js';
import { onSubmit, selectField, submitButton } from '../lib/forms.js';
import { agencyOptions, capabilityPage, resultsArea } from './audit-shell.js';

const isRetraction = (r) => r && typeof r === 'object' && 'agencyId' in r && 'createdAt' in r;

function retractionsTable(rows, names) {
  return table(
    'Outstanding retractions',
    ['Agency', 'Why', 'Messages to delete', 'Sent', 'Waiting for'],
    rows.map((r) => [names.get(r.agencyId) ?? r.agencyId, words(r.reason ?? ''), String(r.messages ?? '—'), dateTime(r.createdAt), typeof r.outstandingMinutes === 'number' ? duration(r.outstandingMinutes * 60_000) : '—']),
    { rowHeaders: true },
  );
}

/** Retractions agencies have not yet confirmed applying (deleting what they received). */
export async function render(page, ctx) {
  const path = await capabilityPage(page, ctx, {
    key: 'retractions',
    title: 'Outstanding retractions',
    lead: 'When the basis for sharing ends (consent withdrawn, a person erased, a record corrected) each agency that received the data is told to delete it. These have not been confirmed yet, oldest first.',
  });
  if (!path) return;
  const agencies = await agencyOptions(ctx);
  const names = new Map(agencies.map(([id, label]) => [id, label]));
  const results = resultsArea('retractions', 'Not yet confirmed');
  const form = h('form', { class: 'form form--filters', 'aria-label': 'Filter retractions' }, selectField({ name: 'agencyId', label: 'Agency', options: agencies, placeholder: 'Every agency' }), submitButton('Show', { secondary: true }));
  const show = async () => {
    const body = await get(`${path}${query({ agencyId: valueOf(form, 'agencyId') })}`, { signal: ctx.signal });
    if (isEmptyList(body)) return results.show(h('p', { role: 'status' }, 'None: every agency has confirmed every retraction.'));
    const rows = body?.retractions;
    results.show(Array.isArray(rows) && rows.every(isRetraction) ? retractionsTable(rows, names) : dataView(body, 'Outstanding retractions'));
  };
  page.append(onSubmit(form, show), results.el);
  await show().catch(results.fail);
}
