import { h, table } from '../lib/dom.js';
import { categoryLabel, date, dateTime, listOf, NEED_CATEGORIES, sensitivityOf, words } from '../lib/format.js';
import { textOf } from '../lib/data-view.js';

/** The parts of a person page, each drawn only from what the API returned to the viewer. */

/** A need level as a tag: the word is always there, the colour only repeats it. */
export const levelTag = (level) => h('strong', { class: `tag tag--level-${level}` }, words(level));

const agencyName = (agencies, id) => agencies.get(id)?.name ?? id;

export function needsSection(summary) {
  const entries = Object.entries(summary.needs ?? {}).sort(([a], [b]) => NEED_CATEGORIES.indexOf(a) - NEED_CATEGORIES.indexOf(b));
  return h(
    'section',
    { 'aria-labelledby': 'needs-title' },
    h('h2', { id: 'needs-title' }, 'Needs profile'),
    entries.length === 0
      ? h('p', {}, 'No needs your agency may see have been recorded.')
      : table(
          'Needs by category',
          ['Category', 'Level', 'Summary', 'Updated'],
          entries.map(([category, n]) => [
            h('span', {}, categoryLabel(category), sensitivityOf(category) ? h('span', { class: 'secondary-text' }, ` (${sensitivityOf(category)})`) : null),
            levelTag(n.level),
            h('div', {}, n.summary, n.details ? h('p', { class: 'secondary-text' }, n.details) : null),
            dateTime(n.updatedAt),
          ]),
          { rowHeaders: true, hideCaption: true },
        ),
    h('p', { class: 'secondary-text' }, 'Categories your agency may not see for your purpose are not shown.'),
  );
}

function expiry(c) {
  if (!c.validUntil) return 'No end date';
  const days = Math.ceil((Date.parse(c.validUntil) - Date.now()) / 86_400_000);
  if (c.status !== 'active' || days < 0) return date(c.validUntil);
  return `${date(c.validUntil)} (in ${days} ${days === 1 ? 'day' : 'days'})`;
}

const statusTag = (status) => h('strong', { class: `tag tag--consent-${status}` }, words(status));

export function consentsSection(summary, agencies) {
  const consents = summary.consents ?? [];
  return h(
    'section',
    { 'aria-labelledby': 'consents-title' },
    h('h2', { id: 'consents-title' }, 'Consents'),
    consents.length === 0
      ? h('p', {}, 'No consents your agency may see.')
      : table(
          'Consents with their scope and expiry',
          ['Status', 'Shared with', 'Information', 'Purposes', 'How given', 'From', 'Expires'],
          consents.map((c) => [
            h('div', {}, statusTag(c.status ?? 'active'), c.partiallyWithdrawn ? h('p', { class: 'secondary-text' }, `Partly withdrawn: ${textOf(c.partiallyWithdrawn)}`) : null),
            listOf([...(c.recipients?.agencies ?? []).map((a) => agencyName(agencies, a)), ...(c.recipients?.kinds ?? []).map((k) => `any ${words(k)} agency`)]),
            listOf((c.categories ?? []).map(categoryLabel)),
            listOf((c.purposes ?? []).map(words)),
            h('div', {}, words(c.method ?? ''), c.evidenceRef ? h('p', { class: 'secondary-text' }, `Evidence: ${c.evidenceRef}`) : null),
            date(c.validFrom),
            expiry(c),
          ]),
          { hideCaption: true },
        ),
  );
}

export function referralsSection(summary, agencies) {
  const referrals = Object.entries(summary.referrals ?? {});
  return h(
    'section',
    { 'aria-labelledby': 'referrals-title' },
    h('h2', { id: 'referrals-title' }, 'Referrals'),
    referrals.length === 0
      ? h('p', {}, 'No referrals your agency may see.')
      : table(
          'Referrals for this person',
          ['Service', 'From', 'To', 'Urgency', 'Status', 'Updated'],
          referrals.map(([, r]) => [words(r.service ?? ''), agencyName(agencies, r.fromAgency), agencyName(agencies, r.toAgency), words(r.urgency ?? ''), words(r.status), dateTime(r.updatedAt)]),
          { hideCaption: true },
        ),
  );
}

const needsText = (needs) =>
  listOf(
    Object.entries(needs ?? {}).map(([c, n]) => `${categoryLabel(c)} ${n.level}`),
  );

/** One line saying what an event was, in plain words. */
export function describe(e, agencies) {
  const d = e.data ?? {};
  const referral = () => `Referral ${d.toAgency ? `to ${agencyName(agencies, d.toAgency)} ` : ''}${d.service ? `(${words(d.service)}) ` : ''}`;
  switch (e.type) {
    case 'PersonRegistered.v1':
      return 'Registered on the hub';
    case 'PersonDetailsCorrected.v1':
      return 'Details corrected';
    case 'ConsentGiven.v1':
      return `Consent given${d.recipients ? ` to ${listOf((d.recipients.agencies ?? []).map((a) => agencyName(agencies, a)).concat((d.recipients.kinds ?? []).map(words)))}` : ''}`;
    case 'ConsentWithdrawn.v1':
      return d.scope ? 'Consent partly withdrawn' : 'Consent withdrawn';
    case 'ConsentExpired.v1':
      return 'Consent expired';
    case 'NeedsAssessed.v1':
      return `Needs assessed${d.needs ? `: ${needsText(d.needs)}` : ''}`;
    case 'CheckInRecorded.v1':
      return `Weekly check-in${d.changes && Object.keys(d.changes).length ? `: ${needsText(d.changes)}` : ''}`;
    case 'ReferralEscalated.v1':
      return `${referral()}escalated: a deadline was missed`;
    default: {
      const m = /^Referral([A-Z][a-z]+)\.v\d+$/.exec(e.type);
      return m ? `${referral()}${m[1].toLowerCase()}` : words(e.type.replace(/\.v\d+$/, ''));
    }
  }
}

const basisText = (e) => (e.basis === 'own-record' ? 'your agency\'s own record' : `shared under ${words(e.basis).toLowerCase()}${e.explanation?.agreementId ? ` (agreement ${e.explanation.agreementId} v${e.explanation.version})` : ''}`);

export function timelineSection(history, agencies, options) {
  const events = [...(history.events ?? [])].reverse();
  return h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h('p', { class: 'secondary-text' }, `Newest first. What your agency may see for ${words(history.purpose ?? 'direct-support').toLowerCase()}.`),
    events.length === 0
      ? h('p', {}, 'Nothing to show.')
      : h(
          'ol',
          { class: 'timeline' },
          events.map((e) =>
            h(
              'li',
              { class: 'timeline__item' },
              h('p', { class: 'timeline__title' }, describe(e, agencies)),
              h('p', { class: 'timeline__meta' }, h('time', { datetime: e.occurredAt }, dateTime(e.occurredAt)), ` · recorded by ${agencyName(agencies, e.recordedBy)} · ${basisText(e)}`),
              h('details', { class: 'details' }, h('summary', {}, 'What was recorded'), eventData(e.data)),
              options.explainLink ? h('p', {}, h('a', { href: options.explainLink(e) }, 'Explain why this could be seen')) : null,
            ),
          ),
        ),
  );
}

function eventData(data) {
  const entries = Object.entries(data ?? {}).filter(([k]) => k !== 'personId');
  return h('dl', { class: 'summary-list summary-list--compact' }, entries.map(([k, v]) => h('div', { class: 'summary-list__row' }, h('dt', {}, words(k)), h('dd', {}, textOf(v)))));
}
