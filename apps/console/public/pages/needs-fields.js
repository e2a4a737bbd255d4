import { h, valueOf } from '../lib/dom.js';
import { categoryLabel, NEED_CATEGORIES, NEED_LEVELS, sensitivityOf, words } from '../lib/format.js';
import { fieldGroup, FormErrors, selectField, textArea, textField } from '../lib/forms.js';

/**
 * The needs part of an assessment or check-in: per category a level, a summary and (for an
 * assessment) details. Fields are named by the API's paths (`needs.accommodation.level`).
 */
export function needsFields(root, label, { details, current = {} }) {
  return fieldGroup(
    root,
    label,
    NEED_CATEGORIES.map((c) =>
      h(
        'fieldset',
        { class: 'fieldset need' },
        h('legend', { class: 'fieldset__legend fieldset__legend--s' }, categoryLabel(c), sensitivityOf(c) ? h('span', { class: 'secondary-text' }, ` (${sensitivityOf(c)})`) : null),
        current[c] ? h('p', { class: 'hint' }, `Now: ${words(current[c].level)} – ${current[c].summary}`) : null,
        h(
          'div',
          { class: 'need__fields' },
          selectField({ name: `${root}.${c}.level`, label: 'Level', options: NEED_LEVELS.map((l) => [l, words(l)]), placeholder: details ? 'Not assessed' : 'No change' }),
          textField({ name: `${root}.${c}.summary`, label: 'Summary', width: 'wide' }),
        ),
        details ? textArea({ name: `${root}.${c}.details`, label: 'Details (optional)', rows: 2 }) : null,
      ),
    ),
  );
}

/** The categories filled in, as the API expects them; a summary without a level is an error. */
export function readNeeds(form, root, { details }) {
  const needs = {};
  const errors = {};
  for (const c of NEED_CATEGORIES) {
    const level = valueOf(form, `${root}.${c}.level`);
    const summary = valueOf(form, `${root}.${c}.summary`);
    const more = details ? valueOf(form, `${root}.${c}.details`) : '';
    if (!level && (summary || more)) errors[`${root}.${c}.level`] = `Choose a level for ${categoryLabel(c).toLowerCase()}`;
    if (level) needs[c] = { level, summary, ...(more ? { details: more } : {}) };
  }
  if (Object.keys(errors).length > 0) throw new FormErrors(errors);
  return needs;
}
