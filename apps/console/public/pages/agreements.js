import { get } from '../lib/api.js';
import { h, table } from '../lib/dom.js';
import { categoryLabel, date, listOf, words } from '../lib/format.js';

const DAY = 86_400_000;

/** Where a version stands today, in words (never by colour alone). */
function standing(v, inForce, now) {
  const review = Date.parse(`${v.reviewDate}T23:59:59Z`);
  if (v.version === inForce) {
    const days = Math.ceil((review - now) / DAY);
    return days <= 60 ? `In force – review due in ${days} ${days === 1 ? 'day' : 'days'}` : 'In force';
  }
  if (review < now) return 'Past its review date – grants nothing';
  if (Date.parse(v.effectiveFrom) > now) return 'Not yet in effect';
  return 'Superseded';
}

/** Information-sharing agreements: every version with its review date, and the grants in force. */
export async function render(page, ctx) {
  const { agreements } = await get('/v1/agreements', { signal: ctx.signal });
  const now = Date.now();
  page.append(
    h('h1', {}, 'Agreements'),
    h('p', { class: 'lead' }, 'Each agreement is published in versions; a version is never edited. A version past its review date stops granting anything.'),
  );
  if (agreements.length === 0) page.append(h('p', {}, 'No agreements have been published.'));
  for (const a of agreements) {
    const latest = a.versions[a.versions.length - 1];
    const current = a.versions.find((v) => v.version === a.versionInForce);
    const id = `agreement-${a.agreementId}`;
    page.append(
      h(
        'section',
        { class: 'agreement', 'aria-labelledby': id },
        h('h2', { id }, latest?.title ?? a.agreementId),
        h('p', {}, h('code', {}, a.agreementId), ` · ${current ? `version ${current.version} in force` : 'no version in force'} · parties: ${listOf(latest?.parties ?? [])}`),
        table(
          `Versions of ${a.agreementId}`,
          ['Version', 'Effective from', 'Review date', 'Standing'],
          a.versions.map((v) => [`v${v.version}`, date(v.effectiveFrom), date(v.reviewDate), standing(v, a.versionInForce, now)]),
          { rowHeaders: true },
        ),
        current ? grants(a.agreementId, current) : null,
      ),
    );
  }
}

function grants(agreementId, v) {
  return table(
    `Grants of ${agreementId} v${v.version}`,
    ['Recipient', 'Information', 'Purposes', 'Lawful basis', 'Consent needed', 'Kept for'],
    v.grants.map((g) => [
      g.recipient.startsWith('kind:') ? `Any ${words(g.recipient.slice(5))} agency` : g.recipient,
      listOf(g.categories.map(categoryLabel)),
      listOf(g.purposes.map(words)),
      words(g.basis),
      g.consentRequired ? 'Yes' : 'No',
      `${g.retentionDays} days`,
    ]),
    { rowHeaders: true },
  );
}
