import { dataView } from '../lib/data-view.js';
import { h, notice, summaryList } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { onSubmit, submitButton } from '../lib/forms.js';
import { capabilityPage, load, resultsArea } from './audit-shell.js';

/** The verdict in a verification answer, whatever the hub calls it. */
const verdictOf = (body) => [body?.ok, body?.valid, body?.verified, body?.intact].find((v) => typeof v === 'boolean');

function details(body) {
  const pairs = [];
  if (typeof body?.records === 'number') pairs.push(['Records checked', String(body.records)]);
  if (typeof body?.checkpoints === 'number') pairs.push(['Signed checkpoints checked', String(body.checkpoints)]);
  if (body?.firstBad) pairs.push(['First bad record', `No. ${body.firstBad.seq}${body.firstBad.reason ? ` – ${body.firstBad.reason}` : ''}`]);
  const known = new Set(['ok', 'valid', 'verified', 'intact', 'records', 'checkpoints', 'firstBad']);
  const rest = Object.fromEntries(Object.entries(body ?? {}).filter(([k]) => !known.has(k)));
  return [pairs.length ? summaryList(pairs) : null, Object.keys(rest).length ? dataView(rest, 'Verification details') : null];
}

/** Verify the audit log: recompute its hash chain and say plainly whether it is untampered. */
export async function render(page, ctx) {
  const path = await capabilityPage(page, ctx, {
    key: 'auditVerify',
    title: 'Verify the audit log',
    lead: 'The hub recomputes the log\'s hash chain from the first record to the last and checks its signed checkpoints. Any record changed, removed or inserted breaks the chain.',
  });
  if (!path) return;
  const results = resultsArea('auditVerify', 'Verification result');
  const form = h('form', { class: 'form' }, submitButton('Verify the log now'));
  const run = () =>
    load(results, path, ctx, (body) => {
      const verdict = verdictOf(body);
      const when = `Checked at ${dateTime(new Date().toISOString())}.`;
      const headline =
        verdict === true
          ? notice('success', h('p', { class: 'notice__title', 'data-verdict': 'intact' }, 'The audit log is intact: no record has been changed, removed or inserted.'), h('p', {}, when))
          : verdict === false
            ? notice('error', h('p', { class: 'notice__title', 'data-verdict': 'broken' }, 'The audit log does not verify: it may have been tampered with.'), h('p', {}, when))
            : notice('info', h('p', { class: 'notice__title', 'data-verdict': 'unknown' }, 'The hub answered; see the details below.'), h('p', {}, when));
      return [headline, ...details(body)];
    });
  page.append(onSubmit(form, run), results.el);
}
