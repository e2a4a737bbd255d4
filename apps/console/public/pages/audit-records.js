import { get, query } from '../lib/api.js';
import { dataView, textOf } from '../lib/data-view.js';
import { h, table, valueOf } from '../lib/dom.js';
import { categoryLabel, dateTime, listOf, words } from '../lib/format.js';
import { onSubmit, selectField, submitButton, textField } from '../lib/forms.js';
import { agencyOptions, capabilityPage, isoFromLocal, resultsArea } from './audit-shell.js';

const KINDS = [
  ['access', 'Access (someone read data)'],
  ['disclosure', 'Disclosure (data sent to an agency)'],
  ['retraction', 'Retraction sent'],
  ['retraction-ack', 'Retraction confirmed by the agency'],
  ['refused', 'Refused (a call was denied)'],
  ['break-glass', 'Break-glass access opened'],
  ['break-glass-review', 'Break-glass access reviewed'],
  ['erasure', 'Erasure'],
  ['admin', 'Administration'],
];

const isAuditRecord = (r) => r && typeof r === 'object' && 'seq' in r && 'kind' in r && 'at' in r;

function recordsTable(records) {
  return table(
    'Audit records',
    ['No.', 'When', 'Kind', 'Agency', 'Who', 'Purpose', 'Information', 'Details'],
    records.map((r) => [String(r.seq), dateTime(r.at), words(r.kind), r.agencyId ?? '—', r.actor ?? '—', r.purpose ? words(r.purpose) : '—', r.categories?.length ? listOf(r.categories.map(categoryLabel)) : '—', r.detail ? textOf(r.detail) : '—']),
    { rowHeaders: true },
  );
}

/** The audit explorer: who saw or received what, when, filtered by person, agency, time and kind. */
export async function render(page, ctx) {
  const path = await capabilityPage(page, ctx, {
    key: 'auditRecords',
    title: 'Audit records',
    lead: 'Every access and every disclosure the hub has recorded, oldest first. Narrow the list with the filters. People are named only by a keyed reference, never by name; to filter by person, copy the hub id from their page.',
  });
  if (!path) return;
  const results = resultsArea('auditRecords', 'Records');
  const form = h(
    'form',
    { class: 'form form--filters', 'aria-label': 'Filter audit records' },
    textField({ name: 'personId', label: 'Person (hub id)', value: ctx.query.personId, width: 'wide' }),
    selectField({ name: 'agencyId', label: 'Agency', options: await agencyOptions(ctx), placeholder: 'Any agency', value: ctx.query.agencyId }),
    selectField({ name: 'kind', label: 'Kind', options: KINDS, placeholder: 'Any kind' }),
    textField({ name: 'from', label: 'From', type: 'datetime-local', width: 'date' }),
    textField({ name: 'to', label: 'Until', type: 'datetime-local', width: 'date' }),
    submitButton('Show records'),
  );
  const filters = () => ({ personId: valueOf(form, 'personId'), agencyId: valueOf(form, 'agencyId'), kind: valueOf(form, 'kind'), from: isoFromLocal(valueOf(form, 'from')), to: isoFromLocal(valueOf(form, 'to')) });

  /** Shows one page of records, with a button for the next page when there is one. */
  const show = async (after) => {
    const body = await get(`${path}${query({ ...filters(), after })}`, { signal: ctx.signal });
    const records = Array.isArray(body?.records) ? body.records : undefined;
    if (!records || !records.every(isAuditRecord)) return results.show(dataView(body, 'Audit records'));
    if (records.length === 0) return results.show(h('p', { role: 'status' }, 'No records match these filters.'));
    const more = body.next !== null && body.next !== undefined;
    results.show(
      h('p', { role: 'status' }, `Records ${records[0].seq} to ${records[records.length - 1].seq}${more ? '; there are more.' : '.'}`),
      recordsTable(records),
      more ? h('button', { class: 'button button--secondary', type: 'button', onclick: () => show(body.next).catch(results.fail) }, 'Show the next records') : null,
    );
  };
  page.append(onSubmit(form, () => show(undefined)), results.el);
}
