import { post } from '../lib/api.js';
import { h, valueOf } from '../lib/dom.js';
import { onSubmit, submitButton, textArea } from '../lib/forms.js';
import { needsFields, readNeeds } from './needs-fields.js';
import { personFormShell } from './person-form-shell.js';

/** Record a weekly check-in: what changed since last week, per category, and a note. */
export async function render(page, ctx) {
  const { id, summary } = await personFormShell(page, ctx, 'Record a weekly check-in');
  page.append(h('p', { class: 'lead' }, 'Fill in only what has changed since the last check-in.'));
  const form = h(
    'form',
    { class: 'form' },
    needsFields('changes', 'Changes', { details: false, current: summary.needs }),
    textArea({ name: 'note', label: 'Note (optional)', hint: 'For example, whether they attended and anything they asked for', rows: 3 }),
    submitButton('Record check-in'),
  );
  page.append(
    onSubmit(form, async () => {
      const note = valueOf(form, 'note');
      await post(`/v1/people/${id}/check-ins`, { changes: readNeeds(form, 'changes', { details: false }), ...(note ? { note } : {}) });
      ctx.navigate(`#/people/${id}?done=check-in`);
    }),
  );
}
