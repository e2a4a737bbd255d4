import { get, query } from '../lib/api.js';
import { h, notice, summaryList } from '../lib/dom.js';
import { date, words } from '../lib/format.js';
import { hasRole } from '../lib/session.js';
import { consentsSection, needsSection, referralsSection, timelineSection } from './person-sections.js';

const DONE = { consent: 'Consent recorded.', assessment: 'Assessment recorded.', 'check-in': 'Weekly check-in recorded.' };

const IDENTIFIERS = { nhsNumber: 'NHS number', policeRef: 'Police reference', councilRef: 'Council reference' };

/** A person as the viewer's agency may see them now: summary, needs, consents, referrals, timeline. */
export async function render(page, ctx) {
  const id = ctx.params.id;
  const [summary, history, { agencies }] = await Promise.all([
    get(`/v1/people/${encodeURIComponent(id)}`, { signal: ctx.signal }),
    get(`/v1/people/${encodeURIComponent(id)}/history`, { signal: ctx.signal }),
    get('/v1/agencies', { signal: ctx.signal }),
  ]);
  const byId = new Map(agencies.map((a) => [a.agencyId, a]));
  const name = summary.identity?.name;
  const purpose = words(ctx.viewer.purpose ?? 'direct-support').toLowerCase();
  page.append(
    h('p', {}, h('a', { class: 'back-link', href: '#/people' }, 'Back to find a person')),
    h('span', { class: 'caption' }, 'Person'),
    h('h1', {}, name ?? `Pseudonym ${summary.pseudonym}`),
    h('p', { class: 'lead' }, `What ${ctx.viewer.agencyName} may see for ${purpose}. Anything else about this person is not shown.`),
  );
  if (DONE[ctx.query.done]) page.append(notice('success', h('p', { role: 'status' }, DONE[ctx.query.done])));
  if (hasRole(ctx.viewer, 'caseworker')) page.append(actions(id));
  if (hasRole(ctx.viewer, 'dpo')) {
    page.append(
      h(
        'ul',
        { class: 'link-list' },
        h('li', {}, h('a', { href: `#/audit${query({ personId: id })}` }, 'Audit records about this person')),
        h('li', {}, h('a', { href: `#/audit/subject-access${query({ personId: id })}` }, 'Subject access export for this person')),
      ),
    );
  }
  page.append(
    h(
      'section',
      { 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title' }, 'Summary'),
      summaryList([
        ['Name', name ?? 'Not shared with your agency'],
        ['Date of birth', summary.identity?.dateOfBirth ? date(summary.identity.dateOfBirth) : 'Not shared with your agency'],
        ...Object.entries(summary.identity?.identifiers ?? {}).map(([k, v]) => [IDENTIFIERS[k] ?? words(k), v]),
        ...Object.entries(summary.contact ?? {}).map(([k, v]) => [words(k), v]),
        ['Your pseudonym', h('code', {}, summary.pseudonym)],
        ...(hasRole(ctx.viewer, 'dpo') ? [['Hub id', h('code', {}, id)]] : []),
      ]),
    ),
    needsSection(summary),
    consentsSection(summary, byId),
    referralsSection(summary, byId),
    timelineSection(history, byId, {
      explainLink: hasRole(ctx.viewer, 'dpo') ? (e) => `#/audit/explain${query({ personId: id, agencyId: ctx.viewer.agencyId, at: e.occurredAt })}` : undefined,
    }),
  );
}

function actions(id) {
  const link = (href, text) => h('li', {}, h('a', { class: 'button button--secondary', href }, text));
  return h(
    'nav',
    { class: 'actions', 'aria-label': 'Record for this person' },
    h(
      'ul',
      { class: 'actions__list' },
      link(`#/people/${id}/consent`, 'Record consent'),
      link(`#/people/${id}/assessment`, 'Record an assessment'),
      link(`#/people/${id}/check-in`, 'Record a weekly check-in'),
      link(`#/people/${id}/referral`, 'Raise a referral'),
    ),
  );
}
