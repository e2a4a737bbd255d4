import { ApiError, get } from '../lib/api.js';
import { notAvailableYet, probe } from '../lib/capabilities.js';
import { h, notice, replace } from '../lib/dom.js';
import { generalMessage } from '../lib/forms.js';

/**
 * The frame of a page built on an API that may not exist yet (the DPO's audit pages): the
 * heading, then either the page's content or a plain "not available yet".
 * Returns the API path to call, or undefined when the hub lacks it.
 */
export async function capabilityPage(page, ctx, { key, title, lead }) {
  page.append(h('h1', {}, title), lead ? h('p', { class: 'lead' }, lead) : null);
  const cap = await probe(key);
  if (cap.available === false) {
    page.append(notAvailableYet(key));
    return undefined;
  }
  return cap.path;
}

/** A results area that shows an answer, an API error, or "not available yet" on a 404 route. */
export function resultsArea(key, title) {
  const el = h('section', { class: 'results', 'aria-labelledby': `${key}-results`, hidden: true });
  const heading = () => h('h2', { id: `${key}-results` }, title);
  return {
    el,
    show(...content) {
      el.hidden = false;
      replace(el, heading(), ...content);
    },
    fail(error) {
      el.hidden = false;
      if (error instanceof ApiError && error.notAvailable) return replace(el, heading(), notAvailableYet(key));
      replace(el, heading(), notice('error', h('p', {}, generalMessage(error))));
    },
  };
}

/** Runs a GET for the results area, showing what comes back (or why nothing did). */
export async function load(results, url, ctx, draw) {
  try {
    const body = await get(url, { signal: ctx.signal });
    results.show(...[draw(body)].flat());
  } catch (error) {
    if (error?.name === 'AbortError') return;
    if (error instanceof ApiError && error.status === 400 && Object.keys(error.fields).length > 0) throw error;
    results.fail(error);
  }
}

/** Agencies for a filter: `[id, name]` pairs. */
export async function agencyOptions(ctx) {
  const { agencies } = await get('/v1/agencies', { signal: ctx.signal });
  return agencies.map((a) => [a.agencyId, `${a.name} (${a.agencyId})`]);
}

/** A `datetime-local` value as ISO 8601 (UTC), or undefined when empty. */
export const isoFromLocal = (value) => (value ? new Date(value).toISOString() : undefined);

/** An ISO instant as a `datetime-local` value in local time. */
export function localFromIso(iso) {
  const d = iso ? new Date(iso) : new Date();
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
