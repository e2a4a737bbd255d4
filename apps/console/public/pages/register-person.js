import { post } from '../lib/api.js';
import { h, valueOf } from '../lib/dom.js';
import { onSubmit, submitButton, textField } from '../lib/forms.js';

const optional = (entries) => {
  const kept = Object.entries(entries).filter(([, v]) => v !== '');
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
};

/** Register a person the hub does not know yet. */
export async function render(page, ctx) {
  page.append(
    h('p', {}, h('a', { class: 'back-link', href: '#/people' }, 'Back to find a person')),
    h('h1', {}, 'Register a person'),
    h('p', { class: 'lead' }, 'Search first: register someone only when the hub does not know them yet.'),
  );
  const form = h(
    'form',
    { class: 'form' },
    textField({ name: 'name', label: 'Full name', autocomplete: 'off', width: 'wide' }),
    textField({ name: 'dateOfBirth', label: 'Date of birth', type: 'date', width: 'date' }),
    h('h2', {}, 'Identifiers (optional)'),
    textField({ name: 'identifiers.nhsNumber', label: 'NHS number', hint: '10 digits', inputmode: 'numeric', width: 'medium' }),
    textField({ name: 'identifiers.policeRef', label: 'Police reference', width: 'medium' }),
    textField({ name: 'identifiers.councilRef', label: 'Council reference', width: 'medium' }),
    h('h2', {}, 'Contact (optional)'),
    textField({ name: 'contact.phone', label: 'Phone', type: 'tel', width: 'medium' }),
    textField({ name: 'contact.email', label: 'Email', type: 'email', width: 'wide' }),
    textField({ name: 'contact.address', label: 'Address or where they can be found', width: 'wide' }),
    submitButton('Register person'),
  );
  page.append(
    onSubmit(form, async () => {
      const body = { name: valueOf(form, 'name'), dateOfBirth: valueOf(form, 'dateOfBirth') };
      const identifiers = optional({ nhsNumber: valueOf(form, 'identifiers.nhsNumber').replace(/\s/g, ''), policeRef: valueOf(form, 'identifiers.policeRef'), councilRef: valueOf(form, 'identifiers.councilRef') });
      const contact = optional({ phone: valueOf(form, 'contact.phone'), email: valueOf(form, 'contact.email'), address: valueOf(form, 'contact.address') });
      const created = await post('/v1/people', { ...body, ...(identifiers ? { identifiers } : {}), ...(contact ? { contact } : {}) });
      ctx.navigate(`#/people/${created.personId}`);
      ctx.announce('Person registered.');
    }),
  );
}
