import { SubjectAccessReport } from './subject-access';

const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const cell = (value: unknown): string => {
  if (Array.isArray(value)) return escape(value.join(', '));
  if (value && typeof value === 'object') return `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
  return escape(value);
};

function table(caption: string, rows: Array<Record<string, unknown>>, columns: Array<[string, string]>): string {
  if (rows.length === 0) return `<section><h2>${escape(caption)}</h2><p>None.</p></section>`;
  const head = columns.map(([, label]) => `<th scope="col">${escape(label)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map(([key]) => `<td>${cell(r[key])}</td>`).join('')}</tr>`).join('\n');
  return `<section><h2>${escape(caption)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></section>`;
}

/**
 * The subject access export as a printable, self-contained HTML page (no scripts, no external
 * resources; every value escaped), for a DPO to print or send to the person.
 */
export function renderSubjectAccessHtml(report: SubjectAccessReport): string {
  const s = report.summary;
  const identity = s.identity ?? {};
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Subject access: ${escape(report.personId)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #999; }
  table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
  th, td { border: 1px solid #bbb; padding: 0.3rem 0.4rem; text-align: left; vertical-align: top; }
  pre { margin: 0; white-space: pre-wrap; font-size: 0.8rem; }
  @media print { body { margin: 0; } section { break-inside: avoid-page; } }
</style>
</head>
<body>
<h1>Subject access export</h1>
<p>Person: <strong>${escape(identity.name ?? '(name not held)')}</strong>, born ${escape(identity.dateOfBirth ?? '(not held)')}. Hub id ${escape(report.personId)}.</p>
<p>Generated ${escape(report.generatedAt)} by the Onestop hub. It lists everything the hub holds about this person, every time (part of) it was sent to a member agency and on what basis, and every time someone read it.</p>
${table('What the hub holds now (summary)', [{ contact: s.contact, needs: s.needs, consents: s.consents, referrals: s.referrals }], [
    ['contact', 'Contact'],
    ['needs', 'Needs'],
    ['consents', 'Consents'],
    ['referrals', 'Referrals'],
  ])}
${table('Everything recorded, oldest first', report.events, [
    ['occurredAt', 'When'],
    ['type', 'What'],
    ['recordedBy', 'Recorded by'],
    ['purpose', 'Purpose'],
    ['data', 'Details'],
  ])}
${table('Disclosures to agencies', report.disclosures, [
    ['at', 'When'],
    ['agencyId', 'Agency'],
    ['eventType', 'Record'],
    ['categories', 'Categories'],
    ['fields', 'Fields'],
    ['basis', 'Lawful basis'],
    ['agreementId', 'Agreement'],
    ['agreementVersion', 'Version'],
    ['grant', 'Grant'],
    ['retracted', 'Retracted'],
  ])}
${table('Retractions', report.retractions, [
    ['at', 'When'],
    ['kind', 'What'],
    ['agencyId', 'Agency'],
    ['reason', 'Reason'],
  ])}
${table('Who read the record', report.accesses, [
    ['at', 'When'],
    ['agencyId', 'Agency'],
    ['user', 'User'],
    ['action', 'Action'],
    ['purpose', 'Purpose'],
    ['categories', 'Categories'],
    ['breakGlass', 'Emergency access'],
  ])}
${table('Emergency (break-glass) access', report.breakGlass, [
    ['at', 'When'],
    ['kind', 'What'],
    ['agencyId', 'Agency'],
    ['user', 'User'],
    ['until', 'Until'],
    ['outcome', 'Review outcome'],
  ])}
</body>
</html>
`;
}
