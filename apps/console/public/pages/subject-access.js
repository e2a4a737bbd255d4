import { dataView, textOf } from '../lib/data-view.js';
import { h, summaryList, valueOf } from '../lib/dom.js';
import { words } from '../lib/format.js';
import { FormErrors, onSubmit, submitButton, textField } from '../lib/forms.js';
import { capabilityPage, load, resultsArea } from './audit-shell.js';

/** Counts first, then each part of the export folded away, so the page stays readable. */
function overview(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [dataView(body, 'Subject access export')];
  const parts = Object.entries(body).filter(([, v]) => v && typeof v === 'object');
  const facts = Object.entries(body).filter(([, v]) => !v || typeof v !== 'object');
  return [
    summaryList([...facts.map(([k, v]) => [words(k), textOf(v)]), ...parts.filter(([, v]) => Array.isArray(v)).map(([k, v]) => [words(k), `${v.length}`])]),
    parts.map(([k, v]) => h('details', { class: 'details details--part' }, h('summary', {}, `${words(k)}${Array.isArray(v) ? ` (${v.length})` : ''}`), dataView(v, words(k)))),
  ];
}

/** A subject access export: everything the hub holds about a person and who received it. */
export async function render(page, ctx) {
  const template = await capabilityPage(page, ctx, {
    key: 'subjectAccess',
    title: 'Subject access export',
    lead: 'Everything the hub holds about a person, and who saw or received it, to answer a subject access request.',
  });
  if (!template) return;
  const results = resultsArea('subjectAccess', 'Export');
  let download;
  ctx.signal.addEventListener('abort', () => download && URL.revokeObjectURL(download));
  const form = h(
    'form',
    { class: 'form' },
    textField({ name: 'personId', label: 'Person (hub id)', hint: 'Find the person first; their hub id is on their page', value: ctx.query.personId, width: 'wide' }),
    submitButton('Prepare export'),
  );
  const run = async () => {
    const personId = valueOf(form, 'personId');
    if (!personId) throw new FormErrors({ personId: 'Enter the person\'s hub id' });
    const url = template.replace(/\{[^}]+\}/, encodeURIComponent(personId));
    await load(results, url, ctx, (body) => {
      if (download) URL.revokeObjectURL(download);
      download = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }));
      return [
        h('p', {}, h('a', { class: 'button', href: download, download: `subject-access-${personId}.json` }, 'Download the export (JSON)')),
        h('p', { class: 'secondary-text' }, 'The file holds personal data. Send it to the person securely and do not keep a copy on this device.'),
        ...overview(body),
      ];
    });
  };
  page.append(onSubmit(form, run), results.el);
}
