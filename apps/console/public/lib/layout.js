import { h, replace } from './dom.js';
import { roleLabel, time, words } from './format.js';
import { navFor } from '../routes.js';

/** The always-visible statement of who is signed in: agency, role, purpose and session end. */
export function renderWho(viewer, onSignOut) {
  const who = document.getElementById('who');
  if (!viewer) return replace(who, h('span', { class: 'masthead__signed-out' }, 'Not signed in'));
  const item = (label, value, id) => h('div', { class: 'who__item' }, h('dt', {}, label), h('dd', { 'data-who': id }, value));
  return replace(
    who,
    h(
      'dl',
      { class: 'who', 'aria-label': 'Signed in as' },
      item('Agency', `${viewer.agencyName} (${viewer.agencyId})`, 'agency'),
      item('Role', viewer.roles.map(roleLabel).join(', '), 'role'),
      item('Purpose', viewer.purpose ? words(viewer.purpose) : viewer.roles.includes('admin') ? 'None declared' : 'Direct support (default)', 'purpose'),
      item('Session ends', time(viewer.expiresAt.toISOString()), 'expires'),
    ),
    h('button', { class: 'button button--inverse', type: 'button', onclick: onSignOut }, 'Sign out'),
  );
}

/** The main navigation for the viewer's roles, marking the current section. */
export function renderNav(viewer, path) {
  const nav = document.getElementById('nav');
  const items = viewer ? navFor(viewer.roles) : [];
  nav.hidden = items.length === 0;
  const current = items
    .filter((r) => path === r.path || path.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  replace(
    nav,
    h(
      'div',
      { class: 'container' },
      h('ul', { class: 'nav__list' }, items.map((r) => h('li', { class: 'nav__item' }, h('a', { class: 'nav__link', href: `#${r.path}`, 'aria-current': r === current ? 'page' : undefined }, r.nav)))),
    ),
  );
}

/** Says something to screen-reader users without moving focus. */
export function announce(text) {
  const el = document.getElementById('announcer');
  el.textContent = '';
  setTimeout(() => (el.textContent = text), 50);
}
