import { h } from '../lib/dom.js';
import { dateTime, duration, time, words } from '../lib/format.js';

/** The rows of the referral board, with a countdown and red/amber/green status that tick. */

const RAG_TEXT = { red: 'Red', amber: 'Amber', green: 'Green', none: 'No deadline running' };
const TO = { acknowledge: 'to acknowledge', decide: 'to accept or decline', start: 'to start' };

/** The deadlines still to be met, soonest first (older hubs give only `acknowledgeBy`). */
export function pendingDeadlines(r) {
  if (Array.isArray(r.deadlines)) return [...r.deadlines].sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
  return r.status === 'raised' && r.acknowledgeBy ? [{ kind: 'acknowledge', deadline: r.acknowledgeBy }] : [];
}

/** Red/amber/green as the hub computes it: the share of each deadline's allowed time still left. */
function ragOf(from, deadline, now) {
  const allowed = Date.parse(deadline) - Date.parse(from);
  const left = Date.parse(deadline) - now;
  if (left <= 0 || left < allowed * 0.25) return 'red';
  if (left < allowed * 0.5) return 'amber';
  return 'green';
}

/** The most urgent colour of the pending deadlines at `now`. */
export function ragNow(r, now) {
  const colours = pendingDeadlines(r).map((d) => ragOf(r.raisedAt ?? d.deadline, d.deadline, now));
  return ['red', 'amber', 'green'].find((c) => colours.includes(c)) ?? 'none';
}

/** The time left for the next deadline, or how long ago it passed. */
export function countdownText(r, now) {
  const next = pendingDeadlines(r)[0];
  if (!next) return r.status === 'prepared' ? 'Waiting for consent' : 'No deadline pending';
  const left = Date.parse(next.deadline) - now;
  return left > 0 ? `${duration(left)} left ${TO[next.kind] ?? words(next.kind)}` : `Overdue by ${duration(-left)} ${TO[next.kind] ?? words(next.kind)}`;
}

/** Fills the countdown and RAG cells of a row for `now`. */
export function tick(row, r, now) {
  const rag = ragNow(r, now);
  const countdown = row.querySelector('[data-countdown]');
  const text = countdownText(r, now);
  if (countdown.textContent !== text) countdown.textContent = text;
  const tag = row.querySelector('[data-rag]');
  if (tag.dataset.rag !== rag) {
    tag.dataset.rag = rag;
    tag.className = `tag tag--rag-${rag}`;
    tag.textContent = RAG_TEXT[rag];
  }
}

const ACTIONS = {
  incoming: { raised: ['acknowledge', 'Acknowledge'], acknowledged: ['accept', 'Accept'], accepted: ['start', 'Start'], started: ['complete', 'Complete'] },
  outgoing: {},
};

/** The deadline's clock time, with the date when it is not today. */
const clock = (iso) => (new Date(iso).toDateString() === new Date().toDateString() ? time(iso) : dateTime(iso));

/** The board's columns: what matters most (status, time left) first, so it stays in view on a tablet. */
export const BOARD_COLUMNS = ['RAG status', 'Time left', 'Referral', 'Urgency', 'Status', 'Person', 'Next step'];

/** The person: a link when the API gives the hub id (outgoing referrals), else the pseudonym. */
function person(r) {
  const label = [h('span', { class: 'visually-hidden' }, 'Person '), h('code', {}, r.pseudonym.slice(0, 12))];
  return r.personId ? h('a', { href: `#/people/${r.personId}` }, label) : h('span', {}, label);
}

/** One referral as a table row; `onAction(referral, action)` for the next step, if any. */
export function referralRow(r, agencies, { isNew, onAction }) {
  const name = (id) => agencies.get(id)?.name ?? id;
  const action = ACTIONS[r.direction]?.[r.status];
  const next = pendingDeadlines(r)[0];
  const row = h(
    'tr',
    { 'data-referral': r.referralId, class: isNew ? 'row--new' : undefined },
    h('td', {}, h('strong', { 'data-rag': '' })),
    h('td', { class: 'countdown' }, h('span', { 'data-countdown': '' }), next ? h('p', { class: 'secondary-text' }, 'due ', h('time', { datetime: next.deadline }, clock(next.deadline))) : null),
    h('td', {}, h('span', { class: 'strong' }, words(r.service)), h('p', {}, r.direction === 'incoming' ? `From ${name(r.fromAgency)}` : `To ${name(r.toAgency)}`), isNew ? h('strong', { class: 'tag tag--new' }, 'New') : null),
    h('td', {}, words(r.urgency)),
    h('td', {}, words(r.status), r.escalations > 0 ? h('p', { class: 'secondary-text' }, `Escalated ${r.escalations}×`) : null),
    h('td', {}, person(r)),
    h('td', {}, action ? h('button', { class: 'button button--small button--secondary', type: 'button', onclick: () => onAction(r, action[0]) }, action[1], h('span', { class: 'visually-hidden' }, ` referral for ${words(r.service)}`)) : null),
  );
  tick(row, r, Date.now());
  return row;
}
