import { ApiError, SESSION_ENDED } from './lib/api.js';
import { h, replace } from './lib/dom.js';
import { announce, renderNav, renderWho } from './lib/layout.js';
import { currentViewer, hasRole, signOut } from './lib/session.js';
import { match } from './routes.js';

/**
 * The console's shell: hash routing, the signed-in banner and navigation, and one page at a
 * time in <main>. Leaving a page aborts its work (requests, live streams, timers).
 */
let current;
let first = true;

const navigate = (hash) => {
  if (location.hash === hash) render();
  else location.hash = hash;
};

async function render() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { route, params, query, path } = match(location.hash || '#/');
  const viewer = currentViewer();
  renderWho(viewer, () => {
    signOut();
    navigate('#/sign-in');
    announce('You have signed out.');
  });
  renderNav(viewer, path);
  if (!viewer && !route?.public) return navigate('#/sign-in');
  const main = document.getElementById('main');
  replace(main, h('p', { class: 'loading' }, 'Loading…'));
  const container = h('div', { class: 'page' });
  const ctx = { viewer, params, query, signal: controller.signal, navigate, announce, rerender: render };
  try {
    if (!route) throw new PageError('Page not found', 'There is no page at this address. Use the navigation to find what you need.');
    if (route.roles && !route.roles.some((r) => hasRole(viewer, r))) {
      throw new PageError('You cannot use this page', `This page is for a ${route.roles.join(' or ')}. You are signed in as ${viewer.roles.join(', ')}.`);
    }
    const page = await route.load();
    await page.render(container, ctx);
  } catch (error) {
    if (controller.signal.aborted || error?.name === 'AbortError') return;
    replace(container, ...errorPage(error));
  }
  if (controller.signal.aborted) return;
  replace(main, container);
  const heading = main.querySelector('h1');
  document.title = `${heading?.textContent ?? 'Onestop'} – Onestop hub console`;
  if (heading) heading.tabIndex = -1;
  if (!first) (heading ?? main).focus();
  first = false;
}

/** A page that could not be shown, with a heading saying why. */
class PageError extends Error {
  constructor(title, message) {
    super(message);
    this.title = title;
  }
}

function errorPage(error) {
  if (error instanceof PageError) return [h('h1', {}, error.title), h('p', {}, error.message)];
  if (error instanceof ApiError && error.status === 404) {
    return [h('h1', {}, 'Not found'), h('p', {}, 'The hub has no such record, or your agency may not see it for your purpose.')];
  }
  if (error instanceof ApiError && error.status === 403) return [h('h1', {}, 'Not allowed'), h('p', {}, error.message)];
  if (error instanceof ApiError) return [h('h1', {}, 'Sorry, there is a problem'), h('p', {}, error.message)];
  console.error(error);
  return [h('h1', {}, 'Sorry, there is a problem with the console'), h('p', {}, 'Reload the page and try again.')];
}

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/') || location.hash === '') render();
});
window.addEventListener(SESSION_ENDED, () => navigate('#/sign-in?ended=1'));
document.querySelector('.skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
render();
