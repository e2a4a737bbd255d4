import { post } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { onSubmit, submitButton } from '../lib/forms.js';
import { needsFields, readNeeds } from './needs-fields.js';
import { personFormShell } from './person-form-shell.js';

/** Record a needs assessment: level and summary per category. */
export async function render(page, ctx) {
  const { id, summary } = await personFormShell(page, ctx, 'Record an assessment');
  page.append(h('p', { class: 'lead' }, 'Fill in the categories you assessed. Leave the others as “Not assessed”.'));
  const form = h('form', { class: 'form' }, needsFields('needs', 'Needs', { details: true, current: summary.needs }), submitButton('Record assessment'));
  page.append(
    onSubmit(form, async () => {
      await post(`/v1/people/${id}/assessments`, { needs: readNeeds(form, 'needs', { details: true }) });
      ctx.navigate(`#/people/${id}?done=assessment`);
    }),
  );
}
