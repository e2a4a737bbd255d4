/**
 * Building the page: every piece of data goes in as text (never as HTML), so nothing the API
 * returns can run as script or change the page's structure.
 */

/** Creates an element: `h('a', { href: '#/x', class: 'link' }, 'text', child)`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: strings become text nodes, arrays are flattened, empty values skipped. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces everything inside `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Text only screen readers hear, e.g. "Error:" before an error message. */
export const hidden = (text) => h('span', { class: 'visually-hidden' }, text);

/** A table in a scrollable, keyboard-reachable region, with a caption and column headers. */
export function table(caption, headers, rows, options = {}) {
  const t = h(
    'table',
    { class: ['table', options.class] },
    h('caption', { class: options.hideCaption ? 'visually-hidden' : 'table__caption' }, caption),
    h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, rows.map((cells) => (cells instanceof Node ? cells : h('tr', {}, cells.map((c, i) => (i === 0 && options.rowHeaders ? h('th', { scope: 'row' }, c) : h('td', {}, c))))))),
  );
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' }, t);
}

/** A list of terms and descriptions. */
export function summaryList(pairs) {
  return h(
    'dl',
    { class: 'summary-list' },
    pairs.map(([term, value]) => h('div', { class: 'summary-list__row' }, h('dt', {}, term), h('dd', {}, value))),
  );
}

/** A grey box for a short message: info, warning or success. */
export const notice = (kind, ...children) => h('div', { class: `notice notice--${kind}`, role: kind === 'error' ? 'alert' : undefined }, ...children);

/** Reads the value of the first form control named `name` (checkbox groups: use `checked`). */
export const valueOf = (form, name) => (form.elements.namedItem(name)?.value ?? '').trim();

/** The values of the checked boxes named `name`. */
export const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
