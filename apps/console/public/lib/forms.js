import { ApiError } from './api.js';
import { h, hidden } from './dom.js';

/**
 * Form fields in the GOV.UK pattern: a label, an optional hint, an error message slot next to
 * the field, and an error summary at the top that links to each bad field. A field's `name` is
 * the path the API uses for it in `error.fields`, so the API's messages land beside the field.
 */

const idFor = (name) => `f-${String(name).replace(/[^A-Za-z0-9]+/g, '-')}`;

function group(name, label, hint, control, options = {}) {
  const id = idFor(name);
  const describedBy = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  const hintEl = hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const errorEl = h('p', { class: 'error-message', id: `${id}-error`, hidden: true });
  if (options.fieldset) {
    return h(
      'div',
      { class: 'form-group', 'data-field': name, 'data-label': label, 'data-error': `${id}-error` },
      h('fieldset', { class: 'fieldset', 'aria-describedby': describedBy }, h('legend', { class: 'fieldset__legend' }, label), hintEl, errorEl, control),
    );
  }
  control.id = id;
  control.setAttribute('aria-describedby', describedBy);
  return h('div', { class: 'form-group', 'data-field': name, 'data-label': label, 'data-error': `${id}-error` }, h('label', { class: 'label', for: id }, label), hintEl, errorEl, control);
}

/**
 * A group of fields answering to one API path (e.g. `needs`): errors about the whole group show
 * at its top, errors about a field inside it beside that field.
 */
export function fieldGroup(name, label, ...children) {
  const id = idFor(name);
  return h('div', { class: 'field-group', 'data-field': name, 'data-label': label, 'data-error': `${id}-error` }, h('p', { class: 'error-message', id: `${id}-error`, hidden: true }), ...children);
}

export function textField({ name, label, hint, type = 'text', value, autocomplete, width, required, inputmode, step }) {
  const input = h('input', { class: ['input', width && `input--${width}`], name, type, value, autocomplete, spellcheck: type === 'text' ? 'false' : undefined, required, inputmode, step });
  return group(name, label, hint, input);
}

export function textArea({ name, label, hint, rows = 4, value }) {
  const area = h('textarea', { class: 'textarea', name, rows });
  if (value) area.value = value;
  return group(name, label, hint, area);
}

export function selectField({ name, label, hint, options, value, placeholder }) {
  const select = h(
    'select',
    { class: 'select', name },
    placeholder ? h('option', { value: '' }, placeholder) : null,
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return group(name, label, hint, select);
}

function choices(type, { name, legend, hint, options, values = [], small }) {
  const id = idFor(name);
  const items = options.map(([value, text, itemHint], i) => {
    const inputId = `${id}-${i}`;
    const hintId = itemHint ? `${inputId}-hint` : undefined;
    return h(
      'div',
      { class: 'choice' },
      h('input', { class: 'choice__input', type, id: inputId, name, value, checked: values.includes(value), 'aria-describedby': hintId }),
      h('label', { class: 'choice__label', for: inputId }, text),
      itemHint ? h('div', { class: 'choice__hint hint', id: hintId }, itemHint) : null,
    );
  });
  return group(name, legend, hint, h('div', { class: ['choices', small && 'choices--small'] }, items), { fieldset: true });
}

export const checkboxes = (spec) => choices('checkbox', spec);
export const radios = (spec) => choices('radio', { ...spec, values: spec.value ? [spec.value] : [] });

export function submitButton(text, options = {}) {
  return h('button', { class: ['button', options.secondary && 'button--secondary', options.warning && 'button--warning'], type: 'submit' }, text);
}

/** The form group an API field path belongs to: the longest `data-field` that prefixes it. */
function groupFor(form, path) {
  let best;
  for (const g of form.querySelectorAll('[data-field]')) {
    const f = g.dataset.field;
    const matches = path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`);
    if (matches && (!best || f.length > best.dataset.field.length)) best = g;
  }
  return best;
}

export function clearErrors(form) {
  form.querySelector('.error-summary')?.remove();
  for (const g of form.querySelectorAll('.form-group--error, .field-group--error')) {
    g.classList.remove('form-group--error', 'field-group--error');
    const msg = document.getElementById(g.dataset.error);
    msg.hidden = true;
    msg.replaceChildren();
    g.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  }
}

/**
 * Shows errors: each `fields` entry beside its field and in the summary (linked); `general`
 * messages in the summary only. Moves focus to the summary so it is read out.
 */
export function showErrors(form, fields = {}, general = []) {
  clearErrors(form);
  const items = [...general.map((m) => h('li', {}, m))];
  for (const [path, message] of Object.entries(fields)) {
    const g = groupFor(form, path);
    if (!g) {
      items.push(h('li', {}, `${path}: ${message}`));
      continue;
    }
    const text = plain(message);
    g.classList.add(g.classList.contains('field-group') ? 'field-group--error' : 'form-group--error');
    const msg = document.getElementById(g.dataset.error);
    if (msg.childNodes.length > 0) msg.append('; ', text);
    else msg.append(hidden('Error: '), text);
    msg.hidden = false;
    const control = g.querySelector('input, select, textarea');
    if (!g.classList.contains('field-group')) g.querySelectorAll('input, select, textarea').forEach((el) => el.setAttribute('aria-invalid', 'true'));
    const sentence = /^[A-Z]/.test(text) ? text : `${g.dataset.label}: ${text}`;
    items.push(h('li', {}, h('a', { href: `#${control?.id ?? ''}`, onclick: (e) => (e.preventDefault(), control?.focus()) }, sentence)));
  }
  const summary = h(
    'div',
    { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title' },
    h('h2', { class: 'error-summary__title', id: 'error-summary-title' }, 'There is a problem'),
    h('ul', { class: 'error-summary__list' }, items),
  );
  form.prepend(summary);
  summary.focus();
}

/** A few of the API's terse messages in plainer words; anything else is shown as the API says it. */
const PLAINER = {
  'name at least one': 'Choose at least one',
  'name at least one category': 'Fill in at least one category',
  'must be after validFrom': 'The end date must be after the date consent starts (today)',
};
const plain = (message) => PLAINER[message] ?? message;

/** Plain words for an API error that is not about one field. */
export function generalMessage(error) {
  if (!(error instanceof ApiError)) return 'Something went wrong in the console. Try again.';
  if (error.notAvailable) return 'The hub does not offer this yet.';
  if (error.status === 401) return 'Your session has ended. Sign in again.';
  if (error.status === 403) return `Your role or agency may not do this: ${error.message}`;
  if (error.status === 409) return 'Someone else changed this record since you opened it. Reload the page and try again.';
  return error.message;
}

/**
 * Runs a submit handler: clears old errors, disables the button while waiting, and shows the
 * API's errors beside the fields (or in the summary) when the call fails.
 */
export function onSubmit(form, handler) {
  form.noValidate = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    clearErrors(form);
    if (button) button.disabled = true;
    try {
      await handler(form);
    } catch (error) {
      if (error instanceof FormErrors) showErrors(form, error.fields);
      else if (error instanceof ApiError && error.status === 400 && Object.keys(error.fields).length > 0) showErrors(form, error.fields);
      else showErrors(form, {}, [generalMessage(error)]);
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  });
  return form;
}

/** Thrown by a submit handler for problems found before calling the API. */
export class FormErrors extends Error {
  constructor(fields) {
    super('invalid form');
    this.fields = fields;
  }
}
