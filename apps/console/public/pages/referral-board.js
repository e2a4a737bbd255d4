import { get, post } from '../lib/api.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { followFeed } from '../lib/feed-stream.js';
import { generalMessage } from '../lib/forms.js';
import { BOARD_COLUMNS, referralRow, tick } from './referral-rows.js';

const DONE = { acknowledge: 'acknowledged', accept: 'accepted', start: 'started', complete: 'completed' };
const fingerprint = (rs) => JSON.stringify(rs.map((r) => [r.referralId, r.status, r.revision, r.escalations]));

const LIVE_TEXT = { live: 'Live: the board updates by itself.', reconnecting: 'Reconnecting to live updates…', stopped: 'Live updates stopped.' };

/**
 * The agency's referral board: incoming and outgoing referrals, soonest deadline first, with a
 * countdown that ticks every second and red/amber/green status in words. It follows the
 * agency's live feed and reloads the list from the API whenever a referral message arrives.
 */
export async function render(page, ctx) {
  const live = h('p', { class: 'live-status', role: 'status' }, 'Connecting to live updates…');
  const message = h('div', { 'aria-live': 'polite' });
  const board = h('div', { class: 'board' });
  page.append(
    h('h1', {}, 'Referral board'),
    h('p', { class: 'lead' }, `Referrals to and from ${ctx.viewer.agencyName}, soonest deadline first. Each referral counts down to its next deadline: to acknowledge, to accept or decline, to start. Red means less than a quarter of the time allowed is left, or it has passed.`),
    live,
    message,
    board,
  );
  const { agencies } = await get('/v1/agencies', { signal: ctx.signal });
  const names = new Map(agencies.map((a) => [a.agencyId, a]));
  let shown = [];

  /** Reloads the list; redraws (keeping keyboard focus on the same referral) only if it changed. */
  const load = async () => {
    const { referrals } = await get('/v1/referrals', { signal: ctx.signal });
    const changed = fingerprint(referrals) !== fingerprint(shown);
    shown = referrals;
    if (!changed && board.childElementCount > 0) return false;
    const focused = document.activeElement?.closest?.('tr[data-referral]')?.dataset.referral;
    draw();
    if (focused) board.querySelector(`tr[data-referral="${focused}"] button, tr[data-referral="${focused}"] a`)?.focus();
    return changed;
  };
  const act = async (r, action) => {
    replace(message);
    try {
      await post(`/v1/referrals/${r.referralId}/${action}`, {});
      ctx.announce(`Referral ${DONE[action]}.`);
      await load();
    } catch (error) {
      replace(message, notice('error', h('p', {}, generalMessage(error))));
    }
  };
  const draw = () => {
    if (shown.length === 0) return replace(board, h('p', {}, 'No referrals to or from your agency.'));
    replace(
      board,
      table(
        'Referrals',
        BOARD_COLUMNS,
        shown.map((r) => referralRow(r, names, { isNew: r.referralId === ctx.query.new, onAction: act })),
        { hideCaption: true, class: 'table--board' },
      ),
    );
  };
  await load();

  const timer = setInterval(() => {
    const now = Date.now();
    for (const r of shown) {
      const row = board.querySelector(`tr[data-referral="${r.referralId}"]`);
      if (row) tick(row, r, now);
    }
  }, 1000);
  let pending;
  const refreshSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => load().then((changed) => changed && ctx.announce('The referral board was updated.')).catch(() => {}), 250);
  };
  // The feed carries only what the agency may receive; a slow reload catches anything else.
  const fallback = setInterval(refreshSoon, 30_000);
  ctx.signal.addEventListener('abort', () => {
    clearInterval(timer);
    clearInterval(fallback);
    clearTimeout(pending);
  });
  followFeed({
    signal: ctx.signal,
    onState: (state) => (live.textContent = LIVE_TEXT[state]),
    onMessage: (frame) => {
      const type = String(frame.data?.type ?? '');
      if (type.startsWith('onestop.referral.')) refreshSoon();
    },
  });
}
