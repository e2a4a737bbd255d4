import { query } from '../lib/api.js';
import { h, valueOf } from '../lib/dom.js';
import { PURPOSES, words } from '../lib/format.js';
import { FormErrors, onSubmit, selectField, submitButton, textField } from '../lib/forms.js';
import { agencyOptions, capabilityPage, isoFromLocal, load, localFromIso, resultsArea } from './audit-shell.js';
import { explanationView } from './explain-view.js';

/**
 * The instant to explain: the exact one from a link (to the millisecond) unless the viewer changed
 * it. Compared as instants to the second, since the browser writes the field's value in its own
 * form (it drops ":00" seconds).
 */
const exactAt = (local, linked) => (linked && local && new Date(local).getTime() === Math.floor(Date.parse(linked) / 1000) * 1000 ? linked : isoFromLocal(local));

/** "Why could agency X see this person's data at time T": the decision replayed and explained. */
export async function render(page, ctx) {
  const path = await capabilityPage(page, ctx, {
    key: 'auditExplain',
    title: 'Explain access',
    lead: 'Why could an agency see this person\'s data at a given time? The hub replays its sharing decision with the agreements and consents in force then.',
  });
  if (!path) return;
  const agencies = await agencyOptions(ctx);
  const results = resultsArea('auditExplain', 'Explanation');
  const form = h(
    'form',
    { class: 'form' },
    textField({ name: 'personId', label: 'Person (hub id)', hint: 'Find the person first; their hub id is on their page', value: ctx.query.personId, width: 'wide' }),
    selectField({ name: 'agencyId', label: 'Agency', options: agencies, placeholder: 'Choose an agency', value: ctx.query.agencyId }),
    textField({ name: 'at', label: 'At', hint: 'Date and time, in your local time', type: 'datetime-local', step: 1, value: localFromIso(ctx.query.at), width: 'date' }),
    selectField({ name: 'purpose', label: 'Purpose', options: PURPOSES.map((p) => [p, words(p)]), placeholder: 'Every purpose', value: ctx.query.purpose }),
    submitButton('Explain'),
  );
  const run = async () => {
    const params = { personId: valueOf(form, 'personId'), agencyId: valueOf(form, 'agencyId'), at: exactAt(valueOf(form, 'at'), ctx.query.at), purpose: valueOf(form, 'purpose') };
    const missing = Object.fromEntries([['personId', 'Enter the person\'s hub id'], ['agencyId', 'Choose an agency'], ['at', 'Enter a date and time']].filter(([k]) => !params[k]));
    if (Object.keys(missing).length > 0) throw new FormErrors(missing);
    const name = agencies.find(([id]) => id === params.agencyId)?.[1] ?? params.agencyId;
    await load(results, `${path}${query(params)}`, ctx, (body) => explanationView(body, name));
  };
  page.append(onSubmit(form, run), results.el);
  if (ctx.query.personId && ctx.query.agencyId && ctx.query.at) await run().catch(() => {});
}
