import { h } from '../lib/dom.js';
import { navFor } from '../routes.js';

/** The start page: each signed-in viewer goes to the first page of their role. */
export async function render(page, ctx) {
  const first = navFor(ctx.viewer.roles)[0];
  if (first) {
    ctx.navigate(`#${first.path}`);
    return;
  }
  page.append(h('h1', {}, 'Nothing to show'), h('p', {}, 'Your role has no pages in the console. The hub\'s API is described at /docs.'));
}
