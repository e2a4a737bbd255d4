import { get, query } from '../lib/api.js';
import { h, notice, replace, table, valueOf } from '../lib/dom.js';
import { date } from '../lib/format.js';
import { FormErrors, onSubmit, submitButton, textField } from '../lib/forms.js';
import { hasRole } from '../lib/session.js';

/**
 * Find a person by exact name (and date of birth) among those the viewer's agency may identify.
 * The search stays out of the address bar, so names do not end up in the browser's history.
 */
export async function render(page, ctx) {
  page.append(
    h('h1', {}, 'Find a person'),
    h('p', { class: 'lead' }, 'Search by full name, and date of birth if you know it. You will only find people your agency may identify for your purpose.'),
  );
  const results = h('section', { 'aria-labelledby': 'results-title', hidden: true });
  const form = h(
    'form',
    { class: 'form form--inline', role: 'search', 'aria-label': 'Find a person' },
    textField({ name: 'name', label: 'Full name', autocomplete: 'off', width: 'wide' }),
    textField({ name: 'dob', label: 'Date of birth (optional)', type: 'date', width: 'date' }),
    submitButton('Search'),
  );
  page.append(
    onSubmit(form, async () => {
      const name = valueOf(form, 'name');
      const dob = valueOf(form, 'dob');
      if (!name) throw new FormErrors({ name: 'Enter the person\'s full name' });
      const found = await get(`/v1/people${query({ name, dob })}`, { signal: ctx.signal });
      showResults(results, found.people, name, dob);
    }),
  );
  if (hasRole(ctx.viewer, 'caseworker')) page.append(h('p', {}, h('a', { href: '#/people/new' }, 'Register a person who is not on the hub')));
  page.append(results);
}

function showResults(results, people, name, dob) {
  results.hidden = false;
  const count = people.length === 0 ? `No one called “${name}”${dob ? ` born on ${date(dob)}` : ''} that your agency may identify.` : `${people.length} ${people.length === 1 ? 'person' : 'people'} found.`;
  replace(
    results,
    h('h2', { id: 'results-title' }, 'Results'),
    h('p', { role: 'status' }, count),
    people.length === 0
      ? notice('info', h('p', {}, 'Check the spelling, or try without the date of birth. If your agency may not see this person, they will not appear.'))
      : table(
          'People found',
          ['Name', 'Date of birth', 'Your pseudonym'],
          people.map((p) => [h('a', { href: `#/people/${p.personId}` }, p.name), date(p.dateOfBirth), h('code', {}, p.pseudonym)]),
          { hideCaption: true },
        ),
  );
}
