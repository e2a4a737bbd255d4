import { post } from '../lib/api.js';
import { checked, h, valueOf } from '../lib/dom.js';
import { categoryLabel, CATEGORIES, CONSENT_METHODS, PURPOSES, sensitivityOf, words } from '../lib/format.js';
import { checkboxes, FormErrors, onSubmit, radios, submitButton, textField } from '../lib/forms.js';
import { endOfDay, personFormShell } from './person-form-shell.js';

const METHOD_HINTS = { verbal: 'Said out loud; note where you recorded it', written: 'A signed form', digital: 'Given online or by message' };

const REQUIRED = {
  recipients: 'Choose at least one agency',
  categories: 'Choose at least one kind of information',
  purposes: 'Choose at least one purpose',
  method: 'Choose how consent was given',
};

/** Record the consent a person gives: to which agencies, what information, for what, until when. */
export async function render(page, ctx) {
  const { id, agencies, who } = await personFormShell(page, ctx, 'Record consent');
  page.append(h('p', { class: 'lead' }, `Record only what ${who} has agreed to. They can withdraw consent at any time.`));
  const others = agencies.filter((a) => a.agencyId !== ctx.viewer.agencyId);
  const form = h(
    'form',
    { class: 'form' },
    checkboxes({ name: 'recipients', legend: 'Which agencies may receive it?', options: others.map((a) => [a.agencyId, a.name, words(a.kind)]) }),
    checkboxes({ name: 'categories', legend: 'What information?', hint: 'Special category and criminal offence data need particular care.', options: CATEGORIES.map((c) => [c, categoryLabel(c), sensitivityOf(c) ? words(sensitivityOf(c)) : undefined]) }),
    checkboxes({ name: 'purposes', legend: 'For which purposes?', options: PURPOSES.map((p) => [p, words(p)]) }),
    radios({ name: 'method', legend: 'How was consent given?', options: CONSENT_METHODS.map((m) => [m, words(m), METHOD_HINTS[m]]) }),
    textField({ name: 'evidenceRef', label: 'Evidence reference (optional)', hint: 'For example, the form number or where the session notes are kept', width: 'wide' }),
    textField({ name: 'validUntil', label: 'Consent ends on (optional)', hint: 'Leave empty if the person set no end date. Consent ends at the end of this day.', type: 'date', width: 'date' }),
    submitButton('Record consent'),
  );
  page.append(
    onSubmit(form, async () => {
      const missing = Object.entries(REQUIRED).filter(([name]) => checked(form, name).length === 0);
      if (missing.length > 0) throw new FormErrors(Object.fromEntries(missing));
      const validUntil = endOfDay(valueOf(form, 'validUntil'));
      const evidenceRef = valueOf(form, 'evidenceRef');
      await post(`/v1/people/${id}/consents`, {
        recipients: { agencies: checked(form, 'recipients'), kinds: [] },
        categories: checked(form, 'categories'),
        purposes: checked(form, 'purposes'),
        method: checked(form, 'method')[0],
        ...(evidenceRef ? { evidenceRef } : {}),
        ...(validUntil ? { validUntil } : {}),
      });
      ctx.navigate(`#/people/${id}?done=consent`);
    }),
  );
}
