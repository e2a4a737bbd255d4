import { get } from '../lib/api.js';
import { h } from '../lib/dom.js';

/**
 * The top of every form about a person: a way back, who it is about (as the viewer may see
 * them) and the page heading. Returns the person's summary and the registered agencies.
 */
export async function personFormShell(page, ctx, title) {
  const id = ctx.params.id;
  const [summary, { agencies }] = await Promise.all([get(`/v1/people/${encodeURIComponent(id)}`, { signal: ctx.signal }), get('/v1/agencies', { signal: ctx.signal })]);
  const who = summary.identity?.name ?? `pseudonym ${summary.pseudonym}`;
  page.append(
    h('p', {}, h('a', { class: 'back-link', href: `#/people/${id}` }, `Back to ${who}`)),
    h('span', { class: 'caption' }, who),
    h('h1', {}, title),
  );
  return { id, summary, agencies, who };
}

/** The date from a date field as the end of that day, local time, in ISO 8601. */
export function endOfDay(value) {
  if (!value) return undefined;
  const d = new Date(`${value}T23:59:59`);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}
